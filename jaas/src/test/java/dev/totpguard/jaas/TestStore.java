package dev.totpguard.jaas;

import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real credential store for tests: an H2 file database and a key file in a temporary directory, the
 * settings a login module or the authentication module is configured with, and a second service on the same
 * database (another "node") used to enroll users and compute their codes. Users' passwords live in a
 * properties file of PBKDF2 hashes at the lowest allowed iteration count, so tests stay fast.
 */
public final class TestStore implements AutoCloseable {

    /** Lockout after this many wrong codes (kept small so the lockout test is short). */
    public static final int LOCKOUT_FAILURES = 5;
    public static final PasswordHash FAST_HASH = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();

    private final Path dir;
    private final Map<String, String> settings;
    private final TwoFactorService node;
    private final Path usersFile;
    private final Map<String, Enrolled> enrolled = new HashMap<>();

    private TestStore(Path dir) throws Exception {
        this.dir = dir;
        Path keyFile = dir.resolve("totpguard.key");
        KeyRing.generateKeyFile(keyFile);
        Map<String, String> s = new HashMap<>();
        s.put(TotpGuardSettings.JDBC_URL, "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath()
                // Lets a second H2 engine (another class loader, like another node) open the same file.
                + ";AUTO_SERVER=TRUE");
        s.put(TotpGuardSettings.KEY_FILE, keyFile.toString());
        // Ten steps ahead lets a test log the same user in several times within one real 30-second step.
        s.put(TotpGuardSettings.WINDOW_BACK, "1");
        s.put(TotpGuardSettings.WINDOW_AHEAD, "10");
        s.put(TotpGuardSettings.LOCKOUT_FAILURES, Integer.toString(LOCKOUT_FAILURES));
        // Every HTTP test comes from 127.0.0.1: the per-address limit would couple unrelated tests.
        s.put(TotpGuardSettings.ADDRESS_FAILURES, "0");
        this.settings = Map.copyOf(s);
        this.node = TwoFactorServiceFactory.fromSettings(settings);
        this.usersFile = dir.resolve("users.properties");
        Files.writeString(usersFile, "# user = hash, roles\n", StandardCharsets.UTF_8);
    }

    public static TestStore create(Path dir) throws Exception {
        return new TestStore(dir);
    }

    /** The store and policy settings (no {@code totpguard.jaas.*} keys). */
    public Map<String, String> settings() {
        return settings;
    }

    /** The settings plus a standalone properties-file password source. */
    public Map<String, String> standaloneOptions() {
        Map<String, String> options = new HashMap<>(settings);
        options.put(TotpGuardSettings.JAAS_PASSWORD_SOURCE, "properties");
        options.put(TotpGuardSettings.JAAS_PASSWORD_FILE, usersFile.toString());
        options.put(TotpGuardSettings.JAAS_PASSWORD_ITERATIONS, Integer.toString(PasswordHash.MIN_ITERATIONS));
        return options;
    }

    public Path dir() {
        return dir;
    }

    public Path usersFile() {
        return usersFile;
    }

    /** The other node: same database and key, its own service instance. */
    public TwoFactorService node() {
        return node;
    }

    /** Adds a user with a password (and roles) to the users file. */
    public void addUser(String user, String password, String... roles) throws Exception {
        String line = user + " = " + FAST_HASH.hash(password.toCharArray())
                + (roles.length == 0 ? "" : ", " + String.join(", ", roles)) + "\n";
        Files.writeString(usersFile, Files.readString(usersFile) + line, StandardCharsets.UTF_8);
    }

    /** Enrolls the user's TOTP through the service, the way the enrollment page does. */
    public Enrolled enroll(String user) throws Exception {
        dev.totpguard.Enrollment enrollment = node.startEnrollment(user);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        Totp totp = Totp.builder().build();
        long step = totp.currentStep();
        EnrollmentResult result = node.confirmEnrollment(user, enrollment.nonce(), totp.generateAtStep(secret, step), null);
        if (!result.verification().isAccepted()) {
            throw new AssertionError("enrollment of " + user + " refused: " + result.verification());
        }
        Enrolled e = new Enrolled(secret, step, result.recoveryCodes().get(0));
        enrolled.put(user, e);
        return e;
    }

    /** {@link #enroll} the first time, the same enrollment afterwards (for tests sharing one user). */
    public synchronized Enrolled enrollOnce(String user) throws Exception {
        Enrolled existing = enrolled.get(user);
        return existing != null ? existing : enroll(user);
    }

    @Override
    public void close() {
        node.close();
    }

    /** An enrolled user's secret; hands out codes for steps after the last one used. */
    public static final class Enrolled {
        private final byte[] secret;
        private final Totp totp = Totp.builder().build();
        private long lastStep;
        private final String recoveryCode;

        Enrolled(byte[] secret, long lastStep, String recoveryCode) {
            this.secret = secret;
            this.lastStep = lastStep;
            this.recoveryCode = recoveryCode;
        }

        /** A code the service has not seen yet (the next step, or the current one if that is later). */
        public String nextCode() {
            lastStep = Math.max(lastStep + 1, totp.currentStep());
            return totp.generateAtStep(secret, lastStep);
        }

        /** The code of the step most recently handed out: already used once it was accepted. */
        public String lastCode() {
            return totp.generateAtStep(secret, lastStep);
        }

        /** A code that is certainly wrong for every step of the window. */
        public String wrongCode() {
            for (int candidate = 0; ; candidate++) {
                String code = String.format("%06d", candidate);
                boolean matches = false;
                long now = totp.currentStep();
                for (long step = now - 2; step <= now + 12; step++) {
                    matches |= code.equals(totp.generateAtStep(secret, step));
                }
                if (!matches) {
                    return code;
                }
            }
        }

        public String recoveryCode() {
            return recoveryCode;
        }
    }
}
