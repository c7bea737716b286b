package dev.totpguard.benchmarks.http;

import dev.totpguard.testkit.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example application ({@code totpguard-example.jar}) as a separate JVM on a fresh H2 database in a temporary
 * directory, listening on a free loopback port, with or without TOTP Guard's filter
 * ({@code --benchmark-without-totp-filter}) and otherwise started identically. Its output is kept to explain a
 * failed start. {@link #close()} stops it and deletes its data and its key file. The process handling is the test kit's
 * {@link ChildProcess}, which the example's own tests use as well.
 */
public final class ExampleProcess implements AutoCloseable {

    static final Pattern READY = Pattern.compile("TOTP Guard example running at http://localhost:(\\d+)/");
    static final String WITHOUT_FILTER_FLAG = "--benchmark-without-totp-filter";
    private static final String ADMIN_PASSWORD_ENV = "TOTPGUARD_ADMIN_PASSWORD";

    private final ChildProcess process;
    private final Path data;
    private int port;

    private ExampleProcess(ChildProcess process, Path data) {
        this.process = process;
        this.data = data;
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
        command.add(ChildProcess.javaExecutable());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1", "--port", "0", "--data", data.toString()));
        command.addAll(launcherOptions);
        if (!withFilter) {
            command.add(WITHOUT_FILTER_FLAG);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(ADMIN_PASSWORD_ENV, adminPassword);
        String variant = "the example (" + (withFilter ? "with" : "without") + " the filter)";
        ExampleProcess example = new ExampleProcess(ChildProcess.start(variant, builder), data);
        try {
            example.port = Integer.parseInt(example.process.awaitLine(READY, Duration.ofSeconds(startTimeoutSeconds)).group(1));
        } catch (IOException e) {
            example.close();
            throw new IOException(variant + " did not start", e);
        }
        if (!withFilter && !example.output().contains("TOTP Guard's filter is NOT installed")) {
            example.close();
            throw new IOException("The example started with " + WITHOUT_FILTER_FLAG + " printed no warning; its output:\n" + example.output());
        }
        return example;
    }

    public int port() {
        return port;
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

    public String output() {
        return process.output();
    }

    /** Stops the JVM (SIGTERM, so Jetty and H2 shut down in order; forcibly after 20 s) and deletes its data and key. */
    @Override
    public void close() {
        process.close();
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
