package dev.totpguard.distribution;

import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import java.nio.file.Path;
import java.util.Map;

/**
 * The store as an operator sets it up: a key file and an H2 file database in one directory, which the
 * container opens through the README's jaas.conf. The test JVM opens the same database as a second node (H2
 * {@code AUTO_SERVER}, so two processes share the file) to enroll users and to compute their codes.
 */
final class OperatorStore implements AutoCloseable {

    private final Path dir;
    private final String jdbcUrl;
    private final TwoFactorService node;
    private final Totp totp = Totp.builder().build();

    OperatorStore(Path dir) throws Exception {
        this.dir = dir;
        KeyRing.generateKeyFile(dir.resolve("totpguard.key"));
        this.jdbcUrl = "jdbc:h2:file:" + dir.resolve("totpguard").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        this.node = TwoFactorServiceFactory.fromSettings(Map.of(TotpGuardSettings.JDBC_URL, jdbcUrl,
                TotpGuardSettings.KEY_FILE, dir.resolve("totpguard.key").toString()));
    }

    Path dir() {
        return dir;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** Enrolls {@code user} the way the enrollment page does; returns the secret. */
    Enrolled enroll(String user) throws Exception {
        var enrollment = node.startEnrollment(user);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        long step = totp.currentStep();
        EnrollmentResult result = node.confirmEnrollment(user, enrollment.nonce(), totp.generateAtStep(secret, step), null);
        if (!result.verification().isAccepted()) {
            throw new AssertionError("enrollment of " + user + " refused: " + result.verification());
        }
        return new Enrolled(secret, step);
    }

    @Override
    public void close() {
        node.close();
    }

    /** An enrolled user's authenticator. Not thread-safe. */
    final class Enrolled {
        private final byte[] secret;
        private long lastStep;

        private Enrolled(byte[] secret, long lastStep) {
            this.secret = secret;
            this.lastStep = lastStep;
        }

        /**
         * A code not used yet: the current step's, or, if that one was used, the next step's (the default
         * window accepts one step ahead), so a test never waits for the clock.
         */
        String nextCode() {
            lastStep = Math.max(lastStep + 1, totp.currentStep());
            return totp.generateAtStep(secret, lastStep);
        }
    }
}
