package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher jar run as a separate process, as a person runs it: {@code java -jar totpguard-example.jar ...}.
 * Collects everything it prints; {@link #start} waits for the ready line and reads the port from it.
 */
public final class LauncherProcess implements AutoCloseable {

    public static final Pattern READY = Pattern.compile("TOTP Guard example running at http://localhost:(\\d+)/");
    private static final Pattern GENERATED_PASSWORD = Pattern.compile("password: (\\S+)");

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();

    private LauncherProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "launcher-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The launcher jar built by this module's {@code package} phase. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("totpguard.example.jar", "target/totpguard-example.jar"));
        assertTrue(Files.isRegularFile(jar), "launcher jar " + jar + " is missing: run the package phase first");
        return jar;
    }

    /** Starts the jar with {@code args}; does not wait. Output (stdout and stderr merged) is collected. */
    public static LauncherProcess launch(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TOTPGUARD_ADMIN_PASSWORD");
        builder.environment().putAll(environment);
        return new LauncherProcess(builder.start());
    }

    /** Starts the server and waits (up to 90 s) for the ready line. */
    public static LauncherProcess start(Map<String, String> environment, String... args) throws Exception {
        LauncherProcess launcher = launch(environment, args);
        try {
            launcher.ready.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            launcher.close();
            fail("the launcher printed no ready line; its output was:\n" + launcher.output(), e);
        }
        return launcher;
    }

    /** Runs a command to its end (up to 90 s) and returns its exit status. */
    public static LauncherProcess runToEnd(Map<String, String> environment, String stdin, String... args) throws Exception {
        LauncherProcess launcher = launch(environment, args);
        try (var in = launcher.process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!launcher.process.waitFor(90, TimeUnit.SECONDS)) {
            launcher.close();
            fail("the launcher did not end; its output was:\n" + launcher.output());
        }
        launcher.drained();
        return launcher;
    }

    public int port() {
        return ready.join();
    }

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    public int exitStatus() {
        return process.exitValue();
    }

    public synchronized String output() {
        return String.join("\n", output);
    }

    /** The password the first start printed for "admin", when none was given. */
    public String generatedAdminPassword() {
        Matcher matcher = GENERATED_PASSWORD.matcher(output());
        assertTrue(matcher.find(), "no generated password in:\n" + output());
        return matcher.group(1);
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
            ready.completeExceptionally(new IllegalStateException("output ended before the ready line"));
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private void drained() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ready.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Stops the process (SIGTERM, so Jetty stops in order), forcibly after 20 s. */
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
    }
}
