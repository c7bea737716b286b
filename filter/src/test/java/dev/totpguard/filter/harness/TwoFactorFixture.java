package dev.totpguard.filter.harness;

import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;

/**
 * A real {@link TwoFactorService} for one test class: the JDBC store on an H2 file in a temporary
 * directory, a key file generated with {@link KeyRing}, and a {@link MutableClock} the test moves. Users
 * are enrolled through the service itself; their codes are computed with {@link Totp} from the secret the
 * service handed out.
 */
public final class TwoFactorFixture implements AutoCloseable {

    private final Path directory;
    private final JdbcDataSource dataSource;
    private final MutableClock clock;
    private final TwoFactorService service;
    private final KeyRing keys;
    private final Totp totp;
    private final Map<String, byte[]> secrets = new ConcurrentHashMap<>();

    private final Server tcpServer;

    private TwoFactorFixture(Path directory, JdbcDataSource dataSource, MutableClock clock, TwoFactorService service,
            KeyRing keys, Server tcpServer) {
        this.keys = keys;
        this.tcpServer = tcpServer;
        this.directory = directory;
        this.dataSource = dataSource;
        this.clock = clock;
        this.service = service;
        this.totp = Totp.builder().clock(clock).build();
    }

    /** The store on an embedded H2 file. */
    public static TwoFactorFixture h2(TwoFactorPolicy.Enforcement enforcement) throws Exception {
        return start(enforcement, false);
    }

    /** The store on an H2 server over TCP, which {@link #stopDatabase()} takes down like a real outage. */
    public static TwoFactorFixture h2Server(TwoFactorPolicy.Enforcement enforcement) throws Exception {
        return start(enforcement, true);
    }

    /** The store on an H2 server over TCP ({@link #stopDatabase()} takes it down), with {@code policy} as given. */
    public static TwoFactorFixture h2Server(TwoFactorPolicy policy) throws Exception {
        return start(policy, true, new dev.totpguard.LoggingTwoFactorListener());
    }

    /**
     * The store on an embedded H2 file, with {@code policy} as given (the per-address limit included) and every audit
     * event sent to {@code listener}.
     */
    public static TwoFactorFixture h2(TwoFactorPolicy policy, dev.totpguard.TwoFactorListener listener) throws Exception {
        return start(policy, false, listener);
    }

    private static TwoFactorFixture start(TwoFactorPolicy.Enforcement enforcement, boolean tcp) throws Exception {
        // Every test request comes from 127.0.0.1: the per-address limit is tested in core and in ClientAddressIT.
        TwoFactorPolicy policy = TwoFactorPolicy.builder().enforcement(enforcement).issuer("TOTP Guard Test")
                .addressLimit(0, Duration.ofMinutes(15)).build();
        return start(policy, tcp, new dev.totpguard.LoggingTwoFactorListener());
    }

    private static TwoFactorFixture start(TwoFactorPolicy policy, boolean tcp, dev.totpguard.TwoFactorListener listener) throws Exception {
        Path directory = Files.createTempDirectory("totpguard-filter-it");
        KeyRing keys = KeyRing.generateKeyFile(directory.resolve("totpguard.key"));
        JdbcDataSource dataSource = new JdbcDataSource();
        Server server = null;
        if (tcp) {
            server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir",
                    directory.toString()).start();
            dataSource.setURL("jdbc:h2:tcp://localhost:" + server.getPort() + "/store");
        } else {
            dataSource.setURL("jdbc:h2:file:" + directory.resolve("store") + ";DB_CLOSE_DELAY=-1");
        }
        dataSource.setUser("sa");
        JdbcCredentialStore store = JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true).build();
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
        TwoFactorService service = TwoFactorService.builder().store(store).keyRing(keys).policy(policy).clock(clock)
                .listener(listener).recoveryCodeIterations(1_000).build();
        return new TwoFactorFixture(directory, dataSource, clock, service, keys, server);
    }

    public TwoFactorService service() {
        return service;
    }

    /**
     * Another node: a service of its own (its own memory of session revocations) over the same database, key and
     * clock, as a second application node has.
     */
    public TwoFactorService otherNode() throws Exception {
        return otherNode(service.policy());
    }

    /** Another node whose settings differ: {@code policy} instead of this fixture's (a node restarted with new settings). */
    public TwoFactorService otherNode(TwoFactorPolicy policy) throws Exception {
        JdbcCredentialStore store = JdbcCredentialStore.builder(dataSource).build();
        return TwoFactorService.builder().store(store).keyRing(keys).policy(policy).clock(clock)
                .recoveryCodeIterations(1_000).build();
    }

    public MutableClock clock() {
        return clock;
    }

    public Path directory() {
        return directory;
    }

    /** Enrolls {@code user} through the service and returns the recovery codes; the step used is consumed. */
    public List<String> enroll(String user) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        EnrollmentResult result = service.confirmEnrollment(user, enrollment.nonce(), totp.generate(secret), "127.0.0.1");
        if (!result.verification().isAccepted()) {
            throw new AssertionError("enrollment of " + user + " failed: " + result.verification());
        }
        secrets.put(user, secret);
        nextStep();
        return result.recoveryCodes();
    }

    /** Remembers a secret the test read off the enrollment page. */
    public void rememberSecret(String user, String base32Key) {
        secrets.put(user, Secret.fromBase32(base32Key).bytes());
    }

    /** The Base32 form of every secret this fixture enrolled or was told about, to look for in logs. */
    public List<String> secretsBase32() {
        return secrets.values().stream().map(bytes -> Secret.of(bytes).toBase32()).collect(java.util.stream.Collectors.toList());
    }

    /** The user's current code. */
    public String code(String user) {
        byte[] secret = secrets.get(user);
        if (secret == null) {
            throw new AssertionError(user + " was not enrolled by this fixture");
        }
        return totp.generate(secret);
    }

    /** A code that is certainly wrong for the current step (and its neighbours). */
    public String wrongCode(String user) {
        String right = code(user);
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", (Integer.parseInt(right) + 500_000 + candidate * 7919) % 1_000_000);
            if (!isInWindow(user, code)) {
                return code;
            }
        }
    }

    private boolean isInWindow(String user, String code) {
        byte[] secret = secrets.get(user);
        long step = totp.currentStep();
        for (long s = step - 1; s <= step + 1; s++) {
            if (totp.generateAtStep(secret, s).equals(code)) {
                return true;
            }
        }
        return false;
    }

    /** Moves the clock to the next 30-second step, so the user's next code is a fresh one. */
    public void nextStep() {
        clock.advance(Duration.ofSeconds(30));
    }

    /** A plain connection to the store's database, to break or inspect one table. */
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /** Takes the database server down: every store call fails from now on, as with a dead database. */
    public void stopDatabase() {
        if (tcpServer == null) {
            throw new IllegalStateException("only a fixture made by h2Server() has a server to stop");
        }
        tcpServer.stop();
    }

    @Override
    public void close() throws IOException, SQLException {
        if (tcpServer == null || tcpServer.isRunning(false)) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
        if (tcpServer != null) {
            tcpServer.stop();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
