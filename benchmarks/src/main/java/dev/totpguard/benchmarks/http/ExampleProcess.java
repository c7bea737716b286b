package dev.totpguard.benchmarks.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example application ({@code totpguard-example.jar}) as a separate JVM on a fresh H2 database in a temporary
 * directory, listening on a free loopback port, with or without TOTP Guard's filter
 * ({@code --benchmark-without-totp-filter}) and otherwise started identically. Its output is kept to explain a
 * failed start. {@link #close()} stops it and deletes its data and its key file.
 */
public final class ExampleProcess implements AutoCloseable {

    static final Pattern READY = Pattern.compile("TOTP Guard example running at http://localhost:(\\d+)/");
    static final String WITHOUT_FILTER_FLAG = "--benchmark-without-totp-filter";
    private static final String ADMIN_PASSWORD_ENV = "TOTPGUARD_ADMIN_PASSWORD";

    private final Process process;
    private final Path data;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();

    private ExampleProcess(Process process, Path data) {
        this.process = process;
        this.data = data;
        Thread reader = new Thread(this::readOutput, "example-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the jar and waits for its ready line.
     *
     * @param prefix what to run the JVM under, e.g. {@code taskset -c 0}
     * @param jvmOptions the server JVM's options, the same for both variants
     * @param adminPassword the first administrator's password (given through the environment, never the command line)
     */
    public static ExampleProcess start(Path jar, boolean withFilter, List<String> prefix, List<String> jvmOptions, String adminPassword,
                                       long startTimeoutSeconds) throws IOException, InterruptedException {
        return start(jar, withFilter, prefix, jvmOptions, List.of(), adminPassword, startTimeoutSeconds);
    }

    /** As above, with further launcher options (e.g. {@code --trusted-proxies 127.0.0.1}). */
    public static ExampleProcess start(Path jar, boolean withFilter, List<String> prefix, List<String> jvmOptions,
                                       List<String> launcherOptions, String adminPassword, long startTimeoutSeconds)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("The example jar " + jar + " is missing: build it with ./mvnw -B package -DskipTests -pl example-webapp -am");
        }
        Path data = Files.createTempDirectory("totpguard-http-benchmark");
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1", "--port", "0", "--data", data.toString()));
        command.addAll(launcherOptions);
        if (!withFilter) {
            command.add(WITHOUT_FILTER_FLAG);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(ADMIN_PASSWORD_ENV, adminPassword);
        ExampleProcess example = new ExampleProcess(builder.start(), data);
        try {
            example.ready.get(startTimeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            example.close();
            throw new IOException("The example (" + (withFilter ? "with" : "without") + " the filter) did not start within "
                    + startTimeoutSeconds + " s; its output:\n" + example.output(), e);
        }
        if (!withFilter && !example.output().contains("TOTP Guard's filter is NOT installed")) {
            example.close();
            throw new IOException("The example started with " + WITHOUT_FILTER_FLAG + " printed no warning; its output:\n" + example.output());
        }
        return example;
    }

    public int port() {
        return ready.join();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * CPU time (user + system) the server's JVM has used so far, in nanoseconds, from {@code /proc/PID/stat}; -1 where
     * there is no {@code /proc}.
     */
    public long cpuNanos() {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String text = Files.readString(stat, StandardCharsets.US_ASCII);
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** USER_HZ, which Linux fixes at 100 for {@code /proc} on every architecture in use. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    public synchronized String output() {
        return String.join("\n", output);
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    output.add(line);
                }
                Matcher matcher = READY.matcher(line);
                if (matcher.find()) {
                    ready.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            // The process ended.
        } finally {
            ready.completeExceptionally(new IOException("the example's output ended before its ready line"));
        }
    }

    /** Stops the JVM (SIGTERM, so Jetty and H2 shut down in order; forcibly after 20 s) and deletes its data and key. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        delete(data);
        // The launcher keeps the AES key file in a directory of its own beside the data directory (DATA-keys).
        delete(data.resolveSibling(data.getFileName() + "-keys"));
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
