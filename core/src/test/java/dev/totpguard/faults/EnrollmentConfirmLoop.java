package dev.totpguard.faults;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.MutableClock;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The child process of {@link CrashDuringEnrollmentTest}: re-enrolls one user in an endless loop against an H2
 * file database (start a new enrollment, confirm it with its code), writing each pending secret to a journal
 * before confirming it and a line after, until the parent kills it with SIGKILL. Arguments: database
 * directory, key file, journal file, first time step.
 */
public final class EnrollmentConfirmLoop {

    public static final String USER = "admin";

    private EnrollmentConfirmLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        KeyRing keys = KeyRing.fromKeyFile(Path.of(args[1]));
        long step = Long.parseLong(args[3]);
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + directory.resolve("store"));
        dataSource.setUser("sa");
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(step * 30));
        TwoFactorService service = TwoFactorService.builder()
                .store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true).build())
                .keyRing(keys).clock(clock).recoveryCodeIterations(1_000).build();
        Totp totp = Totp.builder().clock(clock).build();
        try (PrintStream journal = new PrintStream(new FileOutputStream(args[2], true), true, StandardCharsets.UTF_8)) {
            for (long round = 0; ; round++) {
                clock.advance(Duration.ofSeconds(30));
                Enrollment enrollment = service.startEnrollment(USER);
                byte[] secret = enrollment.otpAuthUri().secret().bytes();
                journal.println("pending " + enrollment.otpAuthUri().secret().toBase32());
                EnrollmentResult result = service.confirmEnrollment(USER, enrollment.nonce(), totp.generate(secret), "127.0.0.1");
                if (!result.verification().isAccepted()) {
                    journal.println("refused " + result.verification());
                    System.exit(3);
                }
                journal.println("confirmed " + round);
            }
        }
    }
}
