package dev.totpguard.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what a test does when an outside tool or server it needs (oathtool, zbarimg,
 * Chromium, PostgreSQL) is missing: skip with a message on a developer's machine, fail when
 * {@value #ENV_VAR}{@code =true} (CI sets it in {@code .ci/run}), so CI cannot pass by skipping. Also runs such
 * a tool.
 */
public final class ExternalRequirement {

    /** The environment variable that turns "skipped: missing" into a failure. */
    public static final String ENV_VAR = "TOTPGUARD_REQUIRE_EXTERNAL";

    private ExternalRequirement() {
    }

    /** True when {@value #ENV_VAR} is {@code true}: outside tools must be there. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv(ENV_VAR));
    }

    /**
     * Returns when {@code available}; otherwise aborts the test as skipped, or fails it when outside tools
     * are {@link #required()}.
     *
     * @param what the tool or server and how to get it, e.g. {@code "oathtool (apt-get install oathtool)"}
     */
    public static void assumeOrFail(boolean available, String what) {
        assumeOrFail(available, what, required());
    }

    static void assumeOrFail(boolean available, String what, boolean required) {
        if (available) {
            return;
        }
        if (required) {
            fail(what + " is missing, and " + ENV_VAR + "=true says this test must run");
        }
        Assumptions.abort(what + " is missing: test skipped (set " + ENV_VAR + "=true to make this a failure)");
    }

    /** Skips or fails, as {@link #assumeOrFail(boolean, String)}, unless {@code command} is on the PATH. */
    public static void assumeCommand(String command, String debianPackage) {
        assumeOrFail(isOnPath(command), command + " (apt-get install " + debianPackage + ")");
    }

    /** True if an executable file of that name is in a directory of the PATH. */
    public static boolean isOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                Path candidate = Path.of(directory, command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Runs a command and returns its standard output; fails the test, quoting its standard error, if it
     * does not exit with 0 within 30 seconds.
     */
    public static String run(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command[0], e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String output = readAll(process.getInputStream());
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail(command[0] + " did not finish within 30 s");
            }
            if (process.exitValue() != 0) {
                fail(command[0] + " exited with " + process.exitValue() + ": " + errors.join().strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + command[0], e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
