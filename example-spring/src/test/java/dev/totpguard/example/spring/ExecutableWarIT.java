package dev.totpguard.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command: the WAR this module builds, run with {@code java -jar} as its own process, on a new data
 * folder. It makes the folder (0700), the key file beside it (0600) and the first administrator, whose random password
 * goes to a 0600 file and never to the output; after a stop (SIGTERM) a start without the key file is refused, with a
 * message, rather than lock the enrolled administrators out.
 */
class ExecutableWarIT {

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    @Test
    void aNewDataFolderGetsItsKeyFileAndFirstAdministratorAndAMissingKeyIsRefusedLater() throws Exception {
        Path data = temp.resolve("data");
        Path keyFile = temp.resolve("data-keys/totpguard.key");
        String password;
        try (ChildProcess app = start(data)) {
            Matcher started = app.awaitLine(STARTED, START);
            URI base = URI.create("http://127.0.0.1:" + started.group(1) + "/");
            Response admin = new Browser().open(base.resolve("admin/"));
            assertEquals("/login", admin.uri().getPath(), admin::toString);

            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            Path passwordFile = data.resolve(FirstAdministrator.PASSWORD_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
            password = Files.readString(passwordFile).strip();
            assertEquals(20, password.length());

            // Bodies over 16 KiB, without a declared length, not a form or a broken form are refused before anything
            // reads them, with one short answer and not a line of log (before: stack traces, 17 to 23 KB, per small
            // request).
            int logLines = app.output().split("\n").length;
            for (String path : List.of("/login", "/totpguard/verify", "/")) {
                String huge = exchange(base.getPort(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3000000\r\n"
                        + "Connection: close\r\n\r\n");
                assertTrue(huge.startsWith("HTTP/1.1 413"), huge);
                String chunked = exchange(base.getPort(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n\r\n4\r\na=bc\r\n0\r\n\r\n");
                assertTrue(chunked.startsWith("HTTP/1.1 411"), chunked);
                String multipart = exchange(base.getPort(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: 51\r\n"
                        + "Connection: close\r\n\r\n--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\na");
                assertTrue(multipart.startsWith("HTTP/1.1 415"), multipart);
                String broken = exchange(base.getPort(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n"
                        + "Connection: close\r\n\r\na=%zz&b=");
                assertTrue(broken.startsWith("HTTP/1.1 400"), broken);
            }
            Thread.sleep(500);
            assertTrue(app.linesWith("Exception").isEmpty(), app::output);
            assertEquals(logLines, app.output().split("\n").length, app::output);
            assertTrue(app.stop(Duration.ofSeconds(30)), app::output);
            assertTrue(app.linesWith(password).isEmpty(), "the first password never reaches the output");
            assertFalse(app.linesWith(passwordFile.toString()).isEmpty(), "the output names the password file");
        }

        Files.delete(keyFile);
        try (ChildProcess again = start(data)) {
            assertNotEquals(0, again.awaitExit(START));
            assertFalse(again.linesWith("The key file " + keyFile + " is missing").isEmpty(), again::output);
        }
    }

    /**
     * A refused setting is reported as Boot's "APPLICATION FAILED TO START" with the message and what to do, not buried
     * under the stack trace of bean creation (113 lines, 90 of them "at ..." frames, before the failure analyzer).
     */
    @Test
    void aMisspelledSettingIsReportedInAFewLinesWithoutAStackTrace() throws Exception {
        ProcessBuilder command = command(temp.resolve("data"));
        command.environment().put("TOTPGUARD_ISSUR", "Zqxj Corp");
        try (ChildProcess app = ChildProcess.start("java -jar totpguard-example-spring.war", command,
                temp.resolve("refused.log"))) {
            assertNotEquals(0, app.awaitExit(START));
            assertFalse(app.linesWith("APPLICATION FAILED TO START").isEmpty(), app::output);
            assertFalse(app.linesWith("TOTP Guard refused its configuration: Environment variable TOTPGUARD_ISSUR is not"
                    + " a TOTP Guard setting: did you mean TOTPGUARD_ISSUER?").isEmpty(), app::output);
            assertTrue(app.linesWith("\tat ").isEmpty() && app.output().lines().noneMatch(line -> line.startsWith("\tat ")),
                    app::output);
            assertTrue(app.linesWith("Zqxj").isEmpty(), "the value is not repeated");
        }
    }

    private ChildProcess start(Path data) throws Exception {
        return ChildProcess.start("java -jar totpguard-example-spring.war", command(data), temp.resolve("app.log"));
    }

    private ProcessBuilder command(Path data) {
        Path war = Path.of(System.getProperty("example-spring.target", "target")).resolve("totpguard-example-spring.war");
        ProcessBuilder command = new ProcessBuilder(List.of(ChildProcess.javaExecutable(), "-jar", war.toString(),
                "--server.port=0", "--example.data=" + data)).directory(temp.toFile());
        command.environment().remove("TOTPGUARD_ADMIN_PASSWORD");
        return command;
    }

    private static String exchange(int port, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            byte[] head = new byte[200];
            int read = socket.getInputStream().read(head);
            return read < 0 ? "" : new String(head, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
