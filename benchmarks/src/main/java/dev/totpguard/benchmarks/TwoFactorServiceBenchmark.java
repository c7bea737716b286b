package dev.totpguard.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.otp.Hotp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.InMemoryCredentialStore;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.KeyRing;
import dev.totpguard.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A login's second step through {@link TwoFactorService#verify}: find the credential, count the attempt
 * before evaluating it (compare-and-set of the failure count, per-address counter), decrypt the secret
 * (AES-256-GCM), {@code Totp.verify} over +-1 step, compare-and-set of the last used step, release of the
 * address counter. With the {@link InMemoryCredentialStore} and with the {@link JdbcCredentialStore} on an
 * embedded H2 file database through a HikariCP pool of 10 (the default deployment), on 1 and 2 threads.
 *
 * <p>Every thread has its own enrolled user and its own time ({@link PerThreadClock}), moved one step forward
 * per operation, so every operation submits the fresh code of a new step and must be ACCEPTED (checked: a
 * benchmark that measured refusals or lockouts would be meaningless). Each operation therefore also generates
 * that code (one HMAC, about the cost of {@code HmacBaselineBenchmark.threadMacInitDoFinal}). Audit events go
 * to a listener that drops them, so no log output is measured.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TwoFactorServiceBenchmark {

    /** Which credential store the service uses. */
    public enum StoreKind {
        IN_MEMORY,
        H2
    }

    @Param({"IN_MEMORY", "H2"})
    public StoreKind store;

    private final PerThreadClock clock = new PerThreadClock(TotpCase.NOW);
    private final AtomicInteger users = new AtomicInteger();
    private TwoFactorService service;
    private HikariDataSource pool;
    private Path databaseDirectory;

    @Setup
    public void setUp() throws StoreException, IOException {
        SecureRandom random = new SecureRandom();
        service = TwoFactorService.builder()
                .store(newStore())
                .keyRing(KeyRing.generate(random))
                .policy(TwoFactorPolicy.defaults())
                .clock(clock)
                .random(random)
                .listener(event -> {
                    // Audit events are dropped: the cost of logging depends on the application's sink.
                })
                .build();
    }

    private CredentialStore newStore() throws StoreException, IOException {
        if (store == StoreKind.IN_MEMORY) {
            return new InMemoryCredentialStore();
        }
        databaseDirectory = Files.createTempDirectory("totpguard-bench-h2");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + databaseDirectory.resolve("totpguard").toAbsolutePath());
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(10);
        config.setPoolName("totpguard-bench");
        pool = new HikariDataSource(config);
        return JdbcCredentialStore.builder(pool).createSchemaIfMissing(true).build();
    }

    @TearDown
    public void tearDown() throws IOException {
        service.close();
        if (pool != null) {
            pool.close();
        }
        if (databaseDirectory != null) {
            try (Stream<Path> files = Files.walk(databaseDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.delete(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** One benchmark thread's user: enrolled at set-up, then logging in once per step. */
    @State(Scope.Thread)
    public static class Login {
        private String user;
        private String address;
        private byte[] key;
        private Hotp codes;
        private long step;
        private long periodMillis;

        @Setup
        public void enroll(TwoFactorServiceBenchmark benchmark) throws StoreException {
            int number = benchmark.users.incrementAndGet();
            user = "bench-user-" + number;
            address = "192.0.2." + number;
            TotpParameters parameters = benchmark.service.policy().parameters();
            periodMillis = TimeUnit.SECONDS.toMillis(parameters.periodSeconds());
            codes = new Hotp(parameters.algorithm(), parameters.digits());
            Enrollment enrollment = benchmark.service.startEnrollment(user);
            key = enrollment.otpAuthUri().secret().bytes();
            step = parameters.timeStep(TotpCase.NOW);
            benchmark.clock.set(step * periodMillis);
            EnrollmentResult result = benchmark.service.confirmEnrollment(user, codes.generateString(key, step), address);
            if (!result.isAccepted()) {
                throw new IllegalStateException("Enrollment of " + user + " was refused: " + result.verification());
            }
        }

        Verification verifyNextStep(TwoFactorServiceBenchmark benchmark) {
            step++;
            benchmark.clock.set(step * periodMillis + periodMillis / 2);
            Verification verification = benchmark.service.verify(user, codes.generateString(key, step), address);
            if (!verification.isAccepted()) {
                throw new IllegalStateException("A fresh code was refused: " + verification);
            }
            return verification;
        }
    }

    @Benchmark
    @Threads(1)
    public Verification verify(Login login) {
        return login.verifyNextStep(this);
    }

    @Benchmark
    @Threads(2)
    public Verification verifyTwoThreads(Login login) {
        return login.verifyNextStep(this);
    }
}
