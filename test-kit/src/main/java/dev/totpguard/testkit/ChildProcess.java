package dev.totpguard.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program run as its own process by a test or a benchmark (a launcher jar, a servlet container, {@code tar}):
 * standard output and standard error merged and kept line by line (and appended to a log file when one is given),
 * a ready line or an HTTP answer waited for with a deadline, stopped with SIGTERM so that its shutdown hooks close
 * servers and databases in order, and killed should the JVM that started it die first. Every failure names the
 * program and quotes what it printed. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Thread killer;
    private boolean outputEnded;

    private ChildProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        this.log = log;
        this.killer = new Thread(process::destroyForcibly, "kill " + name);
        Runtime.getRuntime().addShutdownHook(killer);
        BufferedWriter logWriter = log == null ? null : Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Thread reader = new Thread(() -> readOutput(logWriter), name + " output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} with its output merged and kept; does not wait for anything. */
    public static ChildProcess start(String name, ProcessBuilder command) throws IOException {
        return start(name, command, null);
    }

    /** As {@link #start(String, ProcessBuilder)}, also appending every line it prints to {@code log}. */
    public static ChildProcess start(String name, ProcessBuilder command, Path log) throws IOException {
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
        }
        return new ChildProcess(name, command.redirectErrorStream(true).start(), log);
    }

    /** Runs {@code command} in {@code dir} to its end (at most two minutes); fails, quoting its output, unless it exits with 0. */
    public static void run(List<String> command, Path dir, Path log) throws IOException {
        try (ChildProcess process = start(String.join(" ", command), new ProcessBuilder(command).directory(dir.toFile()), log)) {
            int status = process.awaitExit(Duration.ofMinutes(2));
            if (status != 0) {
                throw new AssertionError("exit " + status + ": " + command + "\n" + process.output());
            }
        }
    }

    /** The {@code java} of the JVM running this code, so the child runs on the same JDK. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port that was free a moment ago, for a program that cannot be told to pick one itself (port 0). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until the program prints a line that {@code ready} finds, and returns that match; throws an
     * {@link IOException} quoting the output if the output ends or {@code timeout} passes first.
     */
    public Matcher awaitLine(Pattern ready, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher matcher = ready.matcher(lines.get(seen));
                    if (matcher.find()) {
                        return matcher;
                    }
                }
                long left = deadline - System.nanoTime();
                if (outputEnded || left <= 0) {
                    throw new IOException(name + (outputEnded ? " ended" : " printed no line matching " + ready
                            + " within " + timeout) + "; its output:\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /**
     * Polls {@code url} until it answers with any HTTP status; fails, quoting the output, if the program exits or
     * {@code timeout} passes first.
     */
    public void awaitHttp(URI url, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it served HTTP\n" + output());
            }
            try {
                client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError(name + " served no HTTP within " + timeout + "\n" + output());
    }

    /**
     * Waits for the program to end and for its last line to be read; returns its exit status. Kills it and throws
     * an {@link IOException} quoting its output if it does not end within {@code timeout}.
     */
    public int awaitExit(Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill();
                throw new IOException(name + " did not end within " + timeout + "; its output:\n" + output());
            }
            forgetShutdownHook();
            synchronized (this) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!outputEnded && System.nanoTime() < deadline) {
                    TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** The program's standard input; closing it sends end-of-file. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Everything the program printed so far, standard output and standard error merged. With a log file, the whole
     * file: a program restarted onto the same log keeps its earlier runs in view (a password printed before a restart
     * still counts).
     */
    public String output() {
        if (log != null) {
            try {
                return Files.readString(log, StandardCharsets.UTF_8).stripTrailing();
            } catch (IOException e) {
                return "(log " + log + " unreadable: " + e + ")";
            }
        }
        synchronized (this) {
            return String.join("\n", lines);
        }
    }

    /** The lines of {@link #output()} that contain {@code text}. */
    public List<String> linesWith(String text) {
        return output().lines().filter(line -> line.contains(text)).toList();
    }

    /**
     * Stops the program as a shutdown script does, with SIGTERM, so its shutdown hooks run (Jetty stops in order,
     * H2 writes its last commit); kills it if it has not ended after {@code grace}.
     *
     * @return whether it ended within {@code grace}
     */
    public boolean stop(Duration grace) {
        process.destroy();
        boolean stopped = false;
        try {
            stopped = process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            kill();
        }
        return stopped;
    }

    /** Kills the program (SIGKILL) and waits a little for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetShutdownHook();
    }

    private void forgetShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    /** {@link #stop(Duration) Stops} the program with SIGTERM, killing it after 20 seconds. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    private void readOutput(BufferedWriter logWriter) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (logWriter != null) {
                    logWriter.write(line);
                    logWriter.newLine();
                    logWriter.flush();
                }
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended, or the log file could not be written: what was read is kept.
        } finally {
            if (logWriter != null) {
                try {
                    logWriter.close();
                } catch (IOException ignored) {
                    // Nothing more to write.
                }
            }
            synchronized (this) {
                outputEnded = true;
                notifyAll();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (log == null ? "" : ", log " + log) + ")";
    }
}
