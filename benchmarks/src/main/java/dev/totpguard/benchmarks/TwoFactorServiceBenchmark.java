package dev.totpguard.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Hotp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.InMemoryCredentialStore;
import dev.totpguard.store.JdbcCredentialStore;
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
 * <p>Every thread has its own enrolled users (each from its own address) and its own time
 * ({@link PerThreadClock}), moved forward so that every operation submits a fresh code and must be ACCEPTED
 * (checked: a benchmark that measured refusals or lockouts would be meaningless). Each operation therefore
 * also generates that code (one HMAC, about the cost of {@code HmacBaselineBenchmark.threadMacInitDoFinal}).
 * Audit events go to a listener that drops them, so no log output is measured. Recovery codes are hashed with
 * the minimum of 1 000 PBKDF2 iterations to keep the set-up short; a verify never touches them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
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
                .recoveryCodeIterations(1_000)
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

    /**
     * One benchmark thread's users, each enrolled at set-up, then logging in in turn. The time moves one step
     * forward after every user has logged in once, so the clock advances about one second per operation, as
     * on a busy server, rather than one step per operation (which would, for example, make the per-address
     * counters be purged every 30 operations instead of every 15 minutes).
     */
    @State(Scope.Thread)
    public static class Login {
        /** Users per thread: also the number of operations per time step. */
        static final int USERS = 30;

        private final String[] users = new String[USERS];
        private final String[] addresses = new String[USERS];
        private final byte[][] keys = new byte[USERS][];
        private final String[] previousCodes = new String[USERS];
        private Hotp codes;
        private long step;
        private long periodMillis;
        private int next;

        @Setup
        public void enroll(TwoFactorServiceBenchmark benchmark) throws StoreException {
            TotpParameters parameters = benchmark.service.policy().parameters();
            periodMillis = TimeUnit.SECONDS.toMillis(parameters.periodSeconds());
            codes = new Hotp(parameters.algorithm(), parameters.digits());
            step = parameters.timeStep(TotpCase.NOW);
            for (int i = 0; i < USERS; i++) {
                int number = benchmark.users.incrementAndGet();
                users[i] = "bench-user-" + number;
                addresses[i] = "198.51." + (number / 256) + "." + (number % 256);
                benchmark.clock.set(step * periodMillis);
                Enrollment enrollment = benchmark.service.startEnrollment(users[i]);
                keys[i] = enrollment.otpAuthUri().secret().bytes();
                previousCodes[i] = codes.generateString(keys[i], step);
                EnrollmentResult result = benchmark.service.confirmEnrollment(users[i], enrollment.nonce(), previousCodes[i], addresses[i]);
                if (!result.isAccepted()) {
                    throw new IllegalStateException("Enrollment of " + users[i] + " was refused: " + result.verification());
                }
            }
            next = USERS;
        }

        /** The next user logs in with the code of the current step: always a fresh code, so ACCEPTED. */
        Verification verifyNext(TwoFactorServiceBenchmark benchmark) {
            int user;
            String code;
            do {
                if (next == USERS) {
                    next = 0;
                    step++;
                }
                user = next++;
                code = codes.generateString(keys[user], step);
                // About once in a million steps a code equals the previous step's: the previous login then
                // used up this step (the highest matching step wins), and the service rightly calls this
                // code a replay. That user skips the step.
            } while (code.equals(swap(user, code)));
            benchmark.clock.set(step * periodMillis + periodMillis / 2);
            Verification verification = benchmark.service.verify(users[user], code, addresses[user]);
            if (!verification.isAccepted()) {
                throw new IllegalStateException("A fresh code was refused: " + verification);
            }
            return verification;
        }

        private String swap(int user, String code) {
            String previous = previousCodes[user];
            previousCodes[user] = code;
            return previous;
        }
    }

    @Benchmark
    @Threads(1)
    public Verification verify(Login login) {
        return login.verifyNext(this);
    }

    @Benchmark
    @Threads(2)
    public Verification verifyTwoThreads(Login login) {
        return login.verifyNext(this);
    }
}
