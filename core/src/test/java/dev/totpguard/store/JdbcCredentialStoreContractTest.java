package dev.totpguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.crypto.SealedSecret;
import dev.totpguard.crypto.SecretCipher;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract plus what only a real database shows: transactions that roll back when a statement
 * fails half-way, schema creation, and a database that is down.
 */
abstract class JdbcCredentialStoreContractTest extends CredentialStoreContractTest {

    TestDatabase database;
    HikariDataSource pool;
    JdbcCredentialStore store;
    JdbcCredentialStore otherNode;

    /** A fresh database with its own table prefix. */
    abstract TestDatabase openDatabase();

    @BeforeEach
    void openStores() throws Exception {
        database = openDatabase();
        pool = database.newPool(8);
        store = database.newStore(pool);
        otherNode = database.newStore(database.newPool(8));
    }

    @AfterEach
    void dropTables() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Override
    CredentialStore store() {
        return store;
    }

    @Override
    CredentialStore otherNode() {
        return otherNode;
    }

    @Override
    AttemptCounters counters() {
        return store.attemptCounters();
    }

    @Override
    AttemptCounters otherNodeCounters() {
        return otherNode.attemptCounters();
    }

    @Test
    void rerunningTheSchemaFileUpgradesATableOfTheFirstVersionAndRefusesAliasesOfItsCredentials() throws Exception {
        KeyRing ring = KeyRing.generate(new SecureRandom());
        Secret secret = Secret.generate();
        byte[] key = secret.bytes();
        SealedSecret sealed = new SecretCipher(ring).seal("admin", secret);
        Totp totp = Totp.builder().build();
        long step = totp.currentStep();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            for (String table : database.tables()) {
                statement.execute("DROP TABLE " + table);
            }
            String old = new String(getClass().getResourceAsStream("schema-before-account-key/"
                    + database.kind().schemaResource().replaceAll(".*/", "")).readAllBytes(), StandardCharsets.UTF_8);
            for (String sql : JdbcCredentialStore.statements(old.replace(JdbcCredentialStore.DEFAULT_TABLE_PREFIX, database.prefix()))) {
                statement.execute(sql);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + database.prefix() + "credential "
                    + "(user_id, status, secret_key_id, secret_ciphertext, algorithm, digits, period_seconds, created_at, "
                    + "confirmed_at, last_used_step, failures) VALUES ('admin', 'ACTIVE', ?, ?, 'SHA1', 6, 30, 1, 2, ?, 0)")) {
                insert.setString(1, sealed.keyId());
                insert.setBytes(2, sealed.ciphertext());
                insert.setLong(3, step - 2);
                insert.executeUpdate();
            }
        }

        StoreException outdated = assertThrows(StoreException.class,
                () -> JdbcCredentialStore.builder(pool).tablePrefix(database.prefix()).build());
        assertTrue(outdated.getMessage().contains(database.kind().schemaResource()), outdated.getMessage());
        assertTrue(outdated.getMessage().contains("account_key"), outdated.getMessage());

        JdbcCredentialStore upgraded = database.newStore(pool);
        try (dev.totpguard.TwoFactorService service = dev.totpguard.TwoFactorService.builder().store(upgraded).keyRing(ring)
                .recoveryCodeIterations(1000).build()) {
            for (String alias : List.of("ADMIN", "Ádmin", "admın", "ＡＤＭＩＮ", " admin ")) {
                assertEquals(dev.totpguard.Verification.Outcome.ACCOUNT_ALIAS,
                        service.verify(alias, totp.generateAtStep(key, step), null).outcome(), alias);
                assertThrows(AccountAliasException.class, () -> service.status(alias), alias);
                assertThrows(AccountAliasException.class, () -> service.startEnrollment(alias), alias);
            }
            assertTrue(service.verify("admin", totp.generateAtStep(key, step), null).isAccepted(), "the old credential works");
        }
        assertEquals(List.of("admin"), otherNode.listUsers());
    }

    @Test
    void aDatabaseWithoutTheTrustedBrowserTableNamesTheFileToRerunAndRerunningItKeepsTheCredentials() throws Exception {
        enrolled("alice");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE " + database.prefix() + "trusted_browser");
        }
        StoreException outdated = assertThrows(StoreException.class,
                () -> JdbcCredentialStore.builder(pool).tablePrefix(database.prefix()).build());
        assertTrue(outdated.getMessage().contains(database.kind().schemaResource()), outdated.getMessage());
        assertTrue(outdated.getMessage().contains(database.prefix() + "trusted_browser"), outdated.getMessage());

        JdbcCredentialStore upgraded = database.newStore(pool);
        assertTrue(upgraded.find("alice").orElseThrow().isActive());
        upgraded.saveTrustedBrowser(trusted("a1", "alice", 1, NOW), tokenHash("a1"), 20, NOW);
        assertTrue(otherNode.findTrustedBrowser(tokenHash("a1")).isPresent());
    }

    @Test
    void creatingTheSchemaAgainKeepsTheRows() throws Exception {
        enrolled("alice");

        JdbcCredentialStore again = database.newStore(pool);

        assertTrue(again.find("alice").isPresent());
        assertEquals(3, again.recoveryCodes("alice").size());
    }

    @Test
    void failedActivationLeavesTheOldCredentialAndCodes() throws Exception {
        SecretRecord active = enrolled("alice");
        SecretRecord pending = record("alice");
        store.savePending("alice", pending);
        FailingDataSource failing = new FailingDataSource(pool, "INSERT INTO " + database.prefix() + "recovery_code", 3);
        JdbcCredentialStore breaking = JdbcCredentialStore.builder(failing).tablePrefix(database.prefix()).build();

        StoreException error = assertThrows(StoreException.class,
                () -> breaking.activate("alice", pending, 5000, hashes("new", 10), NOW.plusSeconds(90)));

        assertTrue(error.getCause() instanceof SQLException);
        assertEquals(3, failing.matchingExecutions());
        StoredCredential after = otherNode.find("alice").orElseThrow();
        assertEquals(active, after.active().orElseThrow(), "the old secret is still the active one");
        assertEquals(pending, after.pending().orElseThrow(), "the new secret is still pending");
        assertEquals(1000, after.lastUsedStep());
        List<RecoveryCodeHash> codes = otherNode.recoveryCodes("alice");
        assertEquals(hashes("alice", 3), codes.stream().map(RecoveryCodeHash::hash).collect(java.util.stream.Collectors.toList()));

        assertTrue(store.activate("alice", pending, 5000, hashes("new", 10), NOW.plusSeconds(90)), "a retry succeeds");
        assertEquals(10, otherNode.recoveryCodes("alice").size());
    }

    @Test
    void failedFirstActivationLeavesThePendingEnrollment() throws Exception {
        SecretRecord pending = record("bob");
        store.savePending("bob", pending);
        FailingDataSource failing = new FailingDataSource(pool, "INSERT INTO " + database.prefix() + "recovery_code", 1);
        JdbcCredentialStore breaking = JdbcCredentialStore.builder(failing).tablePrefix(database.prefix()).build();

        assertThrows(StoreException.class, () -> breaking.activate("bob", pending, 5000, hashes("b", 10), NOW));

        StoredCredential after = otherNode.find("bob").orElseThrow();
        assertEquals(StoredCredential.Status.PENDING, after.status());
        assertEquals(pending, after.pending().orElseThrow());
        assertEquals(List.of(), otherNode.recoveryCodes("bob"));
    }

    @Test
    void failedRecoveryCodeUseLeavesTheCodeUnused() throws Exception {
        enrolled("alice");
        store.recordFailure("alice", 0, null, NOW);
        FailingDataSource failing = new FailingDataSource(pool, "SET failures = 0", 1);
        JdbcCredentialStore breaking = JdbcCredentialStore.builder(failing).tablePrefix(database.prefix()).build();
        String hash = hashes("alice", 3).get(0);

        assertThrows(StoreException.class, () -> breaking.consumeRecoveryCode("alice", hash, NOW));

        assertFalse(otherNode.recoveryCodes("alice").get(0).isUsed());
        assertEquals(1, otherNode.find("alice").orElseThrow().failures());
        assertTrue(store.consumeRecoveryCode("alice", hash, NOW));
    }

    @Test
    void failedDeleteKeepsCredentialAndCodes() throws Exception {
        enrolled("alice");
        FailingDataSource failing = new FailingDataSource(pool, "DELETE FROM " + database.prefix() + "credential", 1);
        JdbcCredentialStore breaking = JdbcCredentialStore.builder(failing).tablePrefix(database.prefix()).build();

        assertThrows(StoreException.class, () -> breaking.delete("alice"));

        assertTrue(otherNode.find("alice").isPresent());
        assertEquals(3, otherNode.recoveryCodes("alice").size());
    }

    @Test
    void stoppedPoolIsAStoreExceptionWithTheCause() throws Exception {
        enrolled("alice");
        pool.close();

        StoreException error = assertThrows(StoreException.class, () -> store.find("alice"));
        assertTrue(error.getMessage().contains("read the credential"), error.getMessage());
        assertTrue(error.getCause() instanceof SQLException);
        assertThrows(StoreException.class, () -> store.advanceLastUsedStep("alice", 1, 1000, 1001));
        assertThrows(StoreException.class, () -> store.recordFailure("alice", 0, null, NOW));
        assertEquals(1000, otherNode.find("alice").orElseThrow().lastUsedStep());
    }

    @Test
    void deadPortIsAStoreException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.kind() == JdbcCredentialStore.Database.MARIADB
                ? "jdbc:mariadb://127.0.0.1:" + port + "/test"
                : "jdbc:postgresql://127.0.0.1:" + port + "/test");
        config.setUsername("nobody");
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource dead = new HikariDataSource(config)) {
            JdbcCredentialStore unreachable = JdbcCredentialStore.builder(dead).tablePrefix(database.prefix()).build();

            StoreException error = assertThrows(StoreException.class, () -> unreachable.find("alice"));
            assertTrue(error.getCause() instanceof SQLException);
            assertThrows(StoreException.class,
                    () -> JdbcCredentialStore.builder(dead).tablePrefix(database.prefix()).createSchemaIfMissing(true).build());
        }
    }

    @Test
    void schemaFilesUseTheConfiguredPrefix() {
        String ddl = JdbcCredentialStore.schemaSql(database.kind(), "acme_2fa_");

        assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS acme_2fa_credential"));
        assertFalse(ddl.contains(JdbcCredentialStore.DEFAULT_TABLE_PREFIX));
        assertThrows(IllegalArgumentException.class, () -> JdbcCredentialStore.builder(pool).tablePrefix("x; DROP TABLE y"));
        assertThrows(IllegalArgumentException.class, () -> JdbcCredentialStore.builder(pool).tablePrefix("Upper_"));
    }
}
