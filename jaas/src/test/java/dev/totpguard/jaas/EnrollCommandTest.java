package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TotpVerifiedPrincipal;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Totp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line enrollment against a real H2 store with the README's own jaas.conf, then the login module of
 * that same configuration accepting the enrolled app's codes: the way an installation with only the JAAS module
 * (Tomcat's JAASRealm) gets its users enrolled.
 */
class EnrollCommandTest {

    private static final Pattern URI_LINE = Pattern.compile("otpauth URI: (otpauth://\\S+)");

    @TempDir
    static Path dir;
    static TestStore store;
    static Path jaasConf;
    static Configuration readmeConfiguration;
    final Totp totp = Totp.builder().build();

    @BeforeAll
    static void createStore() throws Exception {
        store = TestStore.create(dir);
        for (String user : List.of("olivia", "paul", "quinn")) {
            store.addUser(user, user + "-pw", "admin");
        }
        jaasConf = ReadmeJaasConf.write(store);
        readmeConfiguration = ReadmeJaasConf.parse(jaasConf);
    }

    @AfterAll
    static void close() {
        store.close();
        TotpLoginModule.closeSharedServices();
    }

    @Test
    void enrollsWithTheReadmesJaasConfAndTheModuleThenAcceptsTheAppsCodes() throws Exception {
        assertThrows(FailedLoginException.class, () -> login("olivia", "olivia-pw:123456"), "not enrolled yet");

        Run run = run(screen -> List.of(code(screen, 0)), "--jaas-config", jaasConf.toString(), "--entry", "TotpGuard", "olivia");

        assertEquals(EnrollCommand.ENROLLED, run.status, run.err);
        assertTrue(run.out.contains("\u2588") && run.out.contains("\u2580"), "a QR code in half blocks:\n" + run.out);
        OtpAuthUri uri = uri(run.out);
        assertTrue(run.out.contains("Key:         " + uri.secret().toGroupedBase32()), run.out);
        assertEquals(10, Pattern.compile("(?m)^  [a-z0-9]{5}-[a-z0-9]{5}$").matcher(run.out).results().count(),
                "ten recovery codes:\n" + run.out);
        assertTrue(store.node().status("olivia").isActive());

        // The secret printed is the one sealed in the store: the module of the same jaas.conf accepts its next code.
        byte[] secret = uri.secret().bytes();
        String next = totp.generateAtStep(secret, totp.currentStep() + 1);
        assertEquals(List.of("olivia"), names(login("olivia", "olivia-pw:" + next), TotpVerifiedPrincipal.class));
        assertThrows(FailedLoginException.class, () -> login("olivia", "olivia-pw:" + next), "replayed");
        assertThrows(FailedLoginException.class, () -> login("olivia", "olivia-pw"), "password alone");
    }

    @Test
    void wrongCodesAreRetypedAndAnAlreadyEnrolledUserIsLeftAloneWithoutReplace() throws Exception {
        Path options = dir.resolve("sam.properties");
        StringBuilder properties = new StringBuilder();
        store.standaloneOptions().forEach((key, value) -> properties.append(key).append('=')
                .append(value.replace("\\", "\\\\")).append('\n'));
        Files.writeString(options, properties, StandardCharsets.UTF_8);

        Run first = run(screen -> List.of("000000", "not a code", code(screen, 0)), "--options", options.toString(), "paul");
        assertEquals(EnrollCommand.ENROLLED, first.status, first.err);
        assertEquals(2, first.err.lines().filter(line -> line.startsWith("That code is not right")).count(), first.err);
        OtpAuthUri enrolled = uri(first.out);

        Run again = run(screen -> List.of(code(screen, 0)), "--options", options.toString(), "paul");
        assertEquals(EnrollCommand.REFUSED, again.status);
        assertTrue(again.err.startsWith("Error: paul already has a second factor") && again.err.contains("--replace"), again.err);
        assertFalse(again.out.contains("otpauth://"), "no new secret was shown");
        assertFalse(store.node().status("paul").hasPendingEnrollment());

        // With --replace, the old app works until the new one is confirmed; a run that ends without a code changes nothing.
        Run abandoned = run(screen -> List.of(), "--options", options.toString(), "--replace", "paul");
        assertEquals(EnrollCommand.REFUSED, abandoned.status);
        String oldCode = totp.generateAtStep(enrolled.secret().bytes(), totp.currentStep() + 1);
        assertTrue(store.node().verify("paul", oldCode, null).isAccepted(), "the old app still works");
    }

    @Test
    void threeWrongCodesEnrollNothing() throws Exception {
        Run run = run(screen -> List.of("000000", "111111", "222222"), "--jaas-config", jaasConf.toString(),
                "--entry", "TotpGuard", "quinn");
        assertEquals(EnrollCommand.REFUSED, run.status);
        assertEquals(1, EnrollCommand.REFUSED);
        assertTrue(run.err.lines().anyMatch(line -> line.equals("Error: 3 wrong codes: nothing was enrolled.")), run.err);
        assertFalse(store.node().status("quinn").isActive());
        assertThrows(FailedLoginException.class, () -> login("quinn", "quinn-pw:000000"));
    }

    @Test
    void wrongCommandLinesAndOptionsExitWithUsage() throws Exception {
        Path badOptions = dir.resolve("bad.properties");
        Files.writeString(badOptions, "totpguard.enforcment=REQUIRED\n" + TotpGuardSettings.KEY_FILE + "="
                + store.settings().get(TotpGuardSettings.KEY_FILE) + "\n", StandardCharsets.UTF_8);
        for (String[] args : List.of(new String[] {"olivia"}, new String[] {"--options", badOptions.toString()},
                new String[] {"--jaas-config", jaasConf.toString(), "olivia"},
                new String[] {"--jaas-config", jaasConf.toString(), "--entry", "NoSuchEntry", "olivia"},
                new String[] {"--options", badOptions.toString(), " olivia"},
                new String[] {"--options", badOptions.toString(), "olivia"})) {
            Run run = run(screen -> List.of(), args);
            assertEquals(EnrollCommand.USAGE, run.status, String.join(" ", args) + "\n" + run.err);
            assertEquals(2, EnrollCommand.USAGE);
            assertTrue(run.err.startsWith("Error: "), run.err);
            assertFalse(run.out.contains("otpauth://"));
        }
        Run misspelled = run(screen -> List.of(), "--options", badOptions.toString(), "olivia");
        assertTrue(misspelled.err.contains("did you mean totpguard.enforcement?"), misspelled.err);
    }

    @Test
    void aStoreThatCannotBeOpenedIsSaidSoAndIsNoUsageError() throws Exception {
        // What an operator meets when the running server holds the H2 file: the pool gets no connection.
        Path unreachable = dir.resolve("unreachable.properties");
        StringBuilder properties = new StringBuilder();
        store.standaloneOptions().forEach((key, value) -> properties.append(key).append('=').append(
                key.equals(TotpGuardSettings.JDBC_URL) ? "jdbc:h2:tcp://127.0.0.1:1/nowhere" : value.replace("\\", "\\\\"))
                .append('\n'));
        Files.writeString(unreachable, properties, StandardCharsets.UTF_8);
        Run run = run(screen -> List.of(), "--options", unreachable.toString(), "olivia");
        assertEquals(EnrollCommand.REFUSED, run.status, run.err);
        assertTrue(run.err.startsWith("Error: The credential store could not be opened") && run.err.contains("AUTO_SERVER"), run.err);
        assertFalse(run.out.contains("otpauth://"));
    }

    private Subject login(String user, String password) throws Exception {
        Subject subject = new Subject();
        CallbackHandler handler = callbacks -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback) {
                    ((NameCallback) callback).setName(user);
                } else if (callback instanceof PasswordCallback) {
                    ((PasswordCallback) callback).setPassword(password.toCharArray());
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        };
        new LoginContext("TotpGuard", subject, handler, readmeConfiguration).login();
        return subject;
    }

    private static List<String> names(Subject subject, Class<? extends Principal> type) {
        return subject.getPrincipals(type).stream().map(Principal::getName).collect(Collectors.toList());
    }

    private static OtpAuthUri uri(String screen) {
        Matcher uri = URI_LINE.matcher(screen);
        assertTrue(uri.find(), "the otpauth URI is printed:\n" + screen);
        return OtpAuthUri.parse(uri.group(1));
    }

    /** The code the user's app shows for the secret on the screen, {@code ahead} steps after now. */
    private String code(String screen, int ahead) {
        return totp.generateAtStep(uri(screen).secret().bytes(), totp.currentStep() + ahead);
    }

    /**
     * Runs the command as a person at a terminal would: each line typed is computed from what the screen shows by
     * the time the command reads it.
     */
    private static Run run(Function<String, List<String>> typist, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Reader keyboard = new Reader() {
            private Deque<Character> typed;

            @Override
            public int read(char[] buffer, int offset, int length) {
                if (typed == null) {
                    typed = new ArrayDeque<>();
                    for (String line : typist.apply(out.toString(StandardCharsets.UTF_8))) {
                        (line + "\n").chars().forEach(c -> typed.add((char) c));
                    }
                }
                if (typed.isEmpty()) {
                    return -1;
                }
                int n = 0;
                while (n < length && !typed.isEmpty()) {
                    buffer[offset + n++] = typed.removeFirst();
                }
                return n;
            }

            @Override
            public void close() {
            }
        };
        int status = new EnrollCommand(keyboard, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int status, String out, String err) {
    }
}
