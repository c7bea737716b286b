package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.crypto.SealedSecret;
import dev.totpguard.crypto.SecretCipher;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.AccountKey;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.GraceRecord;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EnrollmentGraceContract} on a real database, plus what only a database shows: sign-ins counted on several
 * nodes at once, a dead database, and the upgrade of a database created by the schema files of 2026-12-04.
 */
abstract class JdbcEnrollmentGraceContract extends EnrollmentGraceContract {

    TestDatabase database;

    abstract TestDatabase openDatabase();

    @BeforeEach
    void openDatabaseForTest() {
        database = openDatabase();
    }

    @AfterEach
    void dropTables() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    /** A store over a pool of its own, as another node or a restarted application has. */
    @Override
    CredentialStore store() throws Exception {
        return database.newStore(database.newPool(4));
    }

    @Test
    void signInsOnSeveralNodesAtOnceAreEachCounted() throws Exception {
        int nodes = 4;
        int perNode = 5;
        List<CredentialStore> stores = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            stores.add(store());
        }
        String key = AccountKey.of("alice");
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<Integer>> highest = new ArrayList<>();
            for (CredentialStore node : stores) {
                highest.add(pool.submit(() -> {
                    start.await();
                    int seen = 0;
                    for (int i = 0; i < perNode; i++) {
                        seen = Math.max(seen, node.countGraceSignIn(key, ENFORCED).signIns());
                    }
                    return seen;
                }));
            }
            int max = 0;
            for (Future<Integer> future : highest) {
                max = Math.max(max, future.get());
            }
            assertEquals(nodes * perNode, max);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(new GraceRecord(ENFORCED, nodes * perNode), store().startGrace(key, ENFORCED.plus(DAY)),
                "a later start changes nothing");
    }

    @Test
    void aDeadDatabaseIsAnErrorNeverAnOpenGrace() throws Exception {
        HikariDataSource pool = database.newPool(2);
        JdbcCredentialStore store = database.newStore(pool);
        TwoFactorService service = TwoFactorService.builder().store(store).keyRing(keyRing).clock(clock)
                .policy(TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED).enrollmentGrace(3, 3).build())
                .build();
        assertTrue(service.countGraceSignIn("alice").open());

        pool.close();

        assertThrows(StoreException.class, () -> service.countGraceSignIn("alice"));
        assertThrows(StoreException.class, () -> service.enrollmentGrace("alice"));
        assertThrows(StoreException.class, () -> service.grantEnrollmentGrace("alice", "root"));
    }

    @Test
    void rerunningTheSchemaFileUpgradesADatabaseOfTheDecember2026Schema() throws Exception {
        Secret secret = Secret.generate();
        byte[] key = secret.bytes();
        SealedSecret sealed = new SecretCipher(keyRing).seal("admin", secret);
        Totp totp = Totp.builder().clock(clock).build();
        long step = totp.currentStep();
        String file = database.kind().name().toLowerCase(java.util.Locale.ROOT) + ".sql";
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            String old = new String(getClass().getResourceAsStream("/schema-fixtures/2026-12-04/" + file).readAllBytes(),
                    StandardCharsets.UTF_8);
            // Comments first (they contain semicolons), then one statement per semicolon, as a DBA's client runs the file.
            String withoutComments = old.replace(JdbcCredentialStore.DEFAULT_TABLE_PREFIX, database.prefix()).lines()
                    .filter(line -> !line.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
            for (String sql : withoutComments.split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + database.prefix() + "credential "
                    + "(user_id, status, secret_key_id, secret_ciphertext, algorithm, digits, period_seconds, created_at, "
                    + "confirmed_at, last_used_step, failures, secret_generation, account_key) "
                    + "VALUES ('admin', 'ACTIVE', ?, ?, 'SHA1', 6, 30, 1, 2, ?, 0, 7, ?)")) {
                insert.setString(1, sealed.keyId());
                insert.setBytes(2, sealed.ciphertext());
                insert.setLong(3, step - 2);
                insert.setString(4, AccountKey.of("admin"));
                insert.executeUpdate();
            }
            statement.execute("INSERT INTO " + database.prefix() + "session_revocation (user_id, sessions_valid_after) "
                    + "VALUES ('admin', 12345)");
        }

        StoreException outdated = assertThrows(StoreException.class,
                () -> JdbcCredentialStore.builder(database.newPool(2)).tablePrefix(database.prefix()).build());
        assertTrue(outdated.getMessage().contains("META-INF/totpguard/sql/" + file), outdated.getMessage());
        assertTrue(outdated.getMessage().contains(database.prefix() + "enrollment_grace"), outdated.getMessage());

        // Re-running the shipped file (createSchemaIfMissing runs exactly that file) upgrades in place.
        TwoFactorService service = service(3, 0);
        assertTrue(service.verify("admin", totp.generateAtStep(key, step), null).isAccepted(), "the old credential works");
        assertEquals(12345, service.sessionsValidAfter("admin"), "the old session revocation is kept");
        assertTrue(service.countGraceSignIn("bob").open(), "the new table works");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + database.prefix() + "credential")) {
            assertTrue(rows.next());
            assertEquals(1, rows.getInt(1));
        }
        clock.advance(Duration.ofDays(3));
        TwoFactorService againUpgraded = service(3, 0);
        assertEquals(false, againUpgraded.countGraceSignIn("bob").open(), "running the file once more keeps the grace rows");
    }
}
