package dev.totpguard.distribution;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A container started as its own {@code java} process, its output in a log file. Waits for readiness by
 * polling HTTP with a deadline, and is always killed: by {@link #close()} and, should the test JVM die first,
 * by a shutdown hook. Not thread-safe.
 */
final class ContainerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread killer;

    private ContainerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.killer = new Thread(process::destroyForcibly, "kill " + name);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts {@code command} in {@code dir} with its output appended to {@code log}. */
    static ContainerProcess start(String name, List<String> command, Path dir, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ContainerProcess(name, process, log);
    }

    /** Runs {@code command} to its end (at most two minutes) and fails with its output if it fails. */
    static void run(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command + "\n" + Files.readString(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("exit " + process.exitValue() + ": " + command + "\n" + Files.readString(log));
        }
    }

    /** The {@code java} of the JVM running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls {@code url} until it answers any HTTP status, the process dies, or the start timeout passes. */
    void awaitHttp(URI url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it served HTTP\n" + log());
            }
            try {
                client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError(name + " served no HTTP within " + START_TIMEOUT + "\n" + log());
    }

    /** The container's output so far (for failure messages). */
    String log() {
        try {
            return "---- " + name + " log " + log + " ----\n" + Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The log lines that contain {@code text}. */
    List<String> logLinesWith(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : log().split("\n")) {
            if (line.contains(text)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * Stops the container as its shutdown script does (SIGTERM: the JVM's shutdown hooks stop the web applications,
     * which close their databases), waiting at most 30 seconds before killing it.
     */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not stop within 30 s of SIGTERM\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }
}
