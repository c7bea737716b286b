package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.totpguard.testkit.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The launcher jar run as a separate process, as a person runs it: {@code java -jar totpguard-example.jar ...}.
 * Collects everything it prints; {@link #start} waits for the ready line and reads the port from it.
 */
public final class LauncherProcess implements AutoCloseable {

    public static final Pattern READY = Pattern.compile("TOTP Guard example running at http://localhost:(\\d+)/");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ChildProcess process;
    private int port;
    private int exitStatus = -1;

    private LauncherProcess(ChildProcess process) {
        this.process = process;
    }

    /** The launcher jar built by this module's {@code package} phase. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("totpguard.example.jar", "target/totpguard-example.jar"));
        assertTrue(Files.isRegularFile(jar), "launcher jar " + jar + " is missing: run the package phase first");
        return jar;
    }

    /** Starts the jar with {@code args}; does not wait. Output (stdout and stderr merged) is collected. */
    private static LauncherProcess launch(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-Xmx256m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("TOTPGUARD_ADMIN_PASSWORD");
        builder.environment().putAll(environment);
        return new LauncherProcess(ChildProcess.start("the launcher", builder));
    }

    /** Starts the server and waits (up to 90 s) for the ready line. */
    public static LauncherProcess start(Map<String, String> environment, String... args) throws Exception {
        LauncherProcess launcher = launch(environment, args);
        try {
            launcher.port = Integer.parseInt(launcher.process.awaitLine(READY, START_TIMEOUT).group(1));
        } catch (IOException e) {
            launcher.close();
            fail("the launcher printed no ready line", e);
        }
        return launcher;
    }

    /**
     * Starts a node of a cluster and waits for it: on a free port, with its own {@code data} directory, on the shared
     * {@code database} and {@code keyFile}, with any further {@code options}.
     */
    static LauncherProcess startNode(Map<String, String> environment, Path data, ScratchDatabase database, String keyFile,
            String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--data", data.toString(), "--jdbc-url", database.jdbcUrl(),
                "--jdbc-user", database.user(), "--key-file", keyFile));
        args.addAll(List.of(options));
        return start(environment, args.toArray(String[]::new));
    }

    /** Runs a command to its end (up to 90 s) and returns its exit status. */
    public static LauncherProcess runToEnd(Map<String, String> environment, String stdin, String... args) throws Exception {
        LauncherProcess launcher = launch(environment, args);
        try (var in = launcher.process.stdin()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            launcher.exitStatus = launcher.process.awaitExit(START_TIMEOUT);
        } catch (IOException e) {
            fail("the launcher did not end", e);
        }
        return launcher;
    }

    public int port() {
        if (port == 0) {
            throw new IllegalStateException("the launcher was not started as a server");
        }
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    public int exitStatus() {
        return exitStatus;
    }

    public String output() {
        return process.output();
    }

    /**
     * The password the first start made for "admin", when none was given: with its output a pipe rather than a
     * terminal, the launcher writes it to a file in the data directory and prints only the file's name.
     */
    public String generatedAdminPassword(Path data) throws IOException {
        Path file = data.resolve("initial-admin-password");
        assertTrue(output().contains("read it in " + file), "the start names the password's file:\n" + output());
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /** Stops the process (SIGTERM, so Jetty stops in order), forcibly after 20 s. */
    @Override
    public void close() {
        process.close();
    }
}
