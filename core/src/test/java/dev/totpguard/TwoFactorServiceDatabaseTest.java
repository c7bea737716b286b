package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.Verification.Outcome;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.AccountAliasException;
import dev.totpguard.store.FailingDataSource;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.TestDatabase;
import dev.totpguard.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service on a real database, with two "nodes": two services, each with its own store instance and its
 * own connection pool, sharing one database — the situation of a cluster behind a load balancer.
 */
abstract class TwoFactorServiceDatabaseTest {

    static final Instant START = Instant.parse("2024-03-01T10:00:05Z");

    final MutableClock clock = new MutableClock(START);
    final RecordingListener events = new RecordingListener();
    final String key = KeyRing.generateEncodedKey();
    TestDatabase database;
    HikariDataSource poolA;
    TwoFactorService nodeA;
    TwoFactorService nodeB;

    abstract TestDatabase openDatabase();

    @BeforeEach
    void startNodes() throws Exception {
        database = openDatabase();
        poolA = database.newPool(10);
        nodeA = service(poolA, TwoFactorServiceTest.ring(key));
        nodeB = service(database.newPool(10), TwoFactorServiceTest.ring(key));
    }

    @AfterEach
    void dropTables() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    TwoFactorService service(DataSource dataSource, KeyRing ring) throws StoreException {
        return TwoFactorService.builder().store(database.newStore(dataSource)).keyRing(ring).clock(clock)
                .listener(events).recoveryCodeIterations(1000).build();
    }

    String code(Enrollment enrollment, int offset) {
        Totp totp = Totp.builder().parameters(enrollment.otpAuthUri().parameters()).clock(clock).build();
        return totp.generateAtStep(enrollment.otpAuthUri().secret().bytes(), totp.currentStep() + offset);
    }

    String wrongCode(Enrollment enrollment) {
        List<String> window = List.of(code(enrollment, -1), code(enrollment, 0), code(enrollment, 1));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!window.contains(code)) {
                return code;
            }
        }
    }

    /** Enrolls on node A; returns the enrollment, with the recovery codes in {@code codes}, the clock one step on. */
    Enrollment enrolled(String user, List<String> codes) throws Exception {
        Enrollment enrollment = nodeA.startEnrollment(user);
        EnrollmentResult result = nodeA.confirmEnrollment(user, enrollment.nonce(), code(enrollment, 0), null);
        assertTrue(result.isAccepted(), result.toString());
        codes.addAll(result.recoveryCodes());
        clock.advance(Duration.ofSeconds(30));
        return enrollment;
    }

    Enrollment enrolled(String user) throws Exception {
        return enrolled(user, new ArrayList<>());
    }

    @Test
    void otherSpellingsOfAnEnrolledAccountAreRefusedOnEveryPathAndNeverEnrolled() throws Exception {
        List<String> recovery = new ArrayList<>();
        Enrollment admin = enrolled("admin", recovery);
        String code = code(admin, 0);

        for (String alias : List.of("ADMIN", "Admin", "ádmin", "admın", "ＡＤＭＩＮ", " admin ")) {
            assertThrows(AccountAliasException.class, () -> nodeB.status(alias), alias);
            assertEquals(Outcome.ACCOUNT_ALIAS, nodeB.verify(alias, code, null).outcome(), alias);
            assertEquals(Outcome.ACCOUNT_ALIAS, nodeB.useRecoveryCode(alias, recovery.get(0), null).outcome(), alias);
            assertThrows(AccountAliasException.class, () -> nodeB.startEnrollment(alias), alias);
            assertThrows(AccountAliasException.class, () -> nodeB.pendingEnrollment(alias, admin.nonce()), alias);
            assertEquals(Outcome.ACCOUNT_ALIAS, nodeB.confirmEnrollment(alias, admin.nonce(), code, null).verification().outcome(), alias);
        }
        assertEquals(List.of("admin"), database.newStore(poolA).listUsers(), "no second secret for the same account");
        assertTrue(nodeA.verify("admin", code, null).isAccepted(), "the account's own code still works, unspent by the aliases");
    }

    @Test
    void sameValidCodeFromFiftyThreadsThroughTwoNodesIsAcceptedOnce() throws Exception {
        Enrollment alice = enrolled("alice");
        String code = code(alice, 0);
        TwoFactorService[] nodes = {nodeA, nodeB};

        Map<Outcome, Integer> outcomes = concurrently(50, i -> nodes[i % 2].verify("alice", code, "192.0.2." + i));

        assertEquals(1, outcomes.getOrDefault(Outcome.ACCEPTED, 0), outcomes.toString());
        assertEquals(0, outcomes.getOrDefault(Outcome.STORE_UNAVAILABLE, 0), outcomes.toString());
        assertEquals(0, outcomes.getOrDefault(Outcome.INVALID, 0), outcomes.toString());
    }

    @Test
    void twoHundredParallelWrongCodesEvaluateAtMostTheThreshold() throws Exception {
        Enrollment alice = enrolled("alice");
        String wrong = wrongCode(alice);
        TwoFactorService[] nodes = {nodeA, nodeB};

        Map<Outcome, Integer> outcomes = concurrently(200, i -> nodes[i % 2].verify("alice", wrong, null));

        // INVALID is only ever returned after the code was evaluated; everything else was refused unevaluated.
        int evaluated = outcomes.getOrDefault(Outcome.INVALID, 0);
        assertTrue(evaluated <= 5, outcomes.toString());
        assertEquals(200 - evaluated, outcomes.getOrDefault(Outcome.LOCKED, 0), outcomes.toString());
        assertEquals(evaluated, nodeB.status("alice").failureCount());
        assertEquals(Outcome.LOCKED, nodeB.verify("alice", code(alice, 0), null).outcome());
    }

    @Test
    void replayedCodeIsRefusedOnAnotherNode() throws Exception {
        Enrollment alice = enrolled("alice");
        String code = code(alice, 0);

        assertTrue(nodeA.verify("alice", code, "192.0.2.1").isAccepted());
        assertEquals(Outcome.REPLAYED, nodeB.verify("alice", code, "192.0.2.2").outcome());
        assertEquals(Outcome.REPLAYED, nodeB.verify("alice", code(alice, -1), "192.0.2.2").outcome());
    }

    @Test
    void lockoutAndFailureCountAreSharedAcrossNodes() throws Exception {
        Enrollment alice = enrolled("alice");
        String wrong = wrongCode(alice);
        for (int i = 0; i < 4; i++) {
            (i % 2 == 0 ? nodeA : nodeB).verify("alice", wrong, "192.0.2.1");
        }
        nodeB.startEnrollment("alice");
        assertEquals(4, nodeA.status("alice").failureCount());

        nodeA.verify("alice", wrong, "192.0.2.1");

        Verification locked = nodeB.verify("alice", code(alice, 0), "198.51.100.9");
        assertEquals(Outcome.LOCKED, locked.outcome());
        assertEquals(Duration.ofMinutes(1), locked.retryAfter().orElseThrow());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(nodeB.verify("alice", code(alice, 0), "198.51.100.9").isAccepted());
        assertEquals(0, nodeA.status("alice").failureCount());
    }

    @Test
    void recoveryCodeFromFiftyThreadsThroughTwoNodesIsAcceptedOnce() throws Exception {
        List<String> codes = new ArrayList<>();
        enrolled("alice", codes);
        TwoFactorService[] nodes = {nodeA, nodeB};

        Map<Outcome, Integer> outcomes = concurrently(50, i -> nodes[i % 2].useRecoveryCode("alice", codes.get(4), null));

        assertEquals(1, outcomes.getOrDefault(Outcome.ACCEPTED, 0), outcomes.toString());
        assertEquals(0, outcomes.getOrDefault(Outcome.STORE_UNAVAILABLE, 0), outcomes.toString());
        // The refused duplicates counted as failures and may have locked the account: clear that to look at the code.
        nodeA.unlock("alice", "admin");
        assertEquals(Outcome.REPLAYED, nodeB.useRecoveryCode("alice", codes.get(4), null).outcome());
    }

    @Test
    void confirmationIsAllOrNothingWhenTheDatabaseFailsHalfWay() throws Exception {
        List<String> oldCodes = new ArrayList<>();
        Enrollment first = enrolled("alice", oldCodes);
        Enrollment second = nodeA.startEnrollment("alice");
        FailingDataSource failing = new FailingDataSource(poolA, "INSERT INTO " + database.prefix() + "recovery_code", 4);
        TwoFactorService breaking = service(failing, TwoFactorServiceTest.ring(key));

        EnrollmentResult result = breaking.confirmEnrollment("alice", second.nonce(), code(second, 0), null);

        assertEquals(Outcome.STORE_UNAVAILABLE, result.verification().outcome());
        assertTrue(result.recoveryCodes().isEmpty());
        TwoFactorStatus status = nodeB.status("alice");
        assertTrue(status.isActive());
        assertTrue(status.hasPendingEnrollment(), "the new secret is still only pending");
        assertEquals(10, status.recoveryCodesRemaining());
        assertTrue(nodeB.verify("alice", code(first, 0), null).isAccepted(), "the old secret still works");
        assertTrue(nodeB.useRecoveryCode("alice", oldCodes.get(0), null).isAccepted(), "the old codes still work");

        clock.advance(Duration.ofSeconds(30));
        EnrollmentResult retried = nodeB.confirmEnrollment("alice", second.nonce(), code(second, 0), null);
        assertTrue(retried.isAccepted(), retried.toString());
        assertEquals(Outcome.INVALID, nodeA.useRecoveryCode("alice", oldCodes.get(1), null).outcome());
    }

    @Test
    void stoppedDatabaseFailsClosed() throws Exception {
        List<String> codes = new ArrayList<>();
        Enrollment alice = enrolled("alice", codes);
        Enrollment bob = nodeB.startEnrollment("bob");
        poolA.close();
        events.clear();

        assertEquals(Outcome.STORE_UNAVAILABLE, nodeA.verify("alice", code(alice, 0), "192.0.2.1").outcome());
        assertEquals(Outcome.STORE_UNAVAILABLE, nodeA.useRecoveryCode("alice", codes.get(0), "192.0.2.1").outcome());
        assertEquals(Outcome.STORE_UNAVAILABLE, nodeA.confirmEnrollment("bob", bob.nonce(), "123456", "192.0.2.1").verification().outcome());
        assertThrows(StoreException.class, () -> nodeA.status("alice"));
        assertThrows(StoreException.class, () -> nodeA.startEnrollment("carol"));
        assertThrows(StoreException.class, () -> nodeA.regenerateRecoveryCodes("alice"));
        assertEquals(List.of(TwoFactorEvent.Type.STORE_UNAVAILABLE, TwoFactorEvent.Type.STORE_UNAVAILABLE,
                TwoFactorEvent.Type.STORE_UNAVAILABLE, TwoFactorEvent.Type.STORE_UNAVAILABLE), events.types());

        assertTrue(nodeB.verify("alice", code(alice, 0), "192.0.2.1").isAccepted(), "nothing was half-written");
        assertEquals(0, nodeB.status("alice").failureCount());
    }

    @Test
    void databaseDumpHoldsNoSecretAndNoRecoveryCodeInClear() throws Exception {
        List<String> recoveryCodes = new ArrayList<>();
        List<Enrollment> enrollments = new ArrayList<>();
        for (String user : List.of("alice", "bob", "carol")) {
            enrollments.add(enrolled(user, recoveryCodes));
        }
        enrollments.add(nodeA.startEnrollment("alice"));
        enrollments.add(nodeA.startEnrollment("dave"));
        nodeA.verify("alice", code(enrollments.get(0), 0), "192.0.2.1");
        nodeA.useRecoveryCode("bob", recoveryCodes.get(10), "192.0.2.1");

        String dump = dump();

        assertTrue(dump.contains("alice") && dump.contains("dave"), "the dump sees the rows");
        for (Enrollment enrollment : enrollments) {
            String base32 = enrollment.otpAuthUri().secret().toBase32();
            byte[] raw = enrollment.otpAuthUri().secret().bytes();
            assertFalse(dump.contains(base32), "Base32 secret in the dump");
            assertFalse(dump.contains(base32.toLowerCase(Locale.ROOT)), "lower-case Base32 secret in the dump");
            assertFalse(dump.contains(enrollment.groupedKey()), "grouped secret in the dump");
            assertFalse(dump.contains(hex(raw)), "hex secret in the dump");
            assertFalse(dump.contains(new String(raw, StandardCharsets.ISO_8859_1)), "raw secret bytes in the dump");
        }
        for (String code : recoveryCodes) {
            assertFalse(dump.contains(code), "recovery code in the dump");
            assertFalse(dump.contains(code.replace("-", "")), "recovery code in the dump");
            assertFalse(dump.toLowerCase(Locale.ROOT).contains(code.replace("-", "")), "recovery code in the dump");
        }
    }

    @Test
    void keyRotationReEncryptsEveryRowAndOldRowsOpenUntilThen() throws Exception {
        Enrollment alice = enrolled("alice");
        enrolled("bob");
        Enrollment carol = nodeA.startEnrollment("carol");
        String newKey = KeyRing.generateEncodedKey();
        TwoFactorService rotatingNode = service(database.newPool(2), TwoFactorServiceTest.ring(newKey, key));

        assertTrue(rotatingNode.verify("alice", code(alice, 0), null).isAccepted(), "old rows open before rotation");
        assertEquals(3, rotatingNode.rotateKeys());

        KeyRing newOnly = TwoFactorServiceTest.ring(newKey);
        String dump = dump();
        TwoFactorService afterRotation = service(database.newPool(2), newOnly);
        clock.advance(Duration.ofSeconds(30));
        assertTrue(afterRotation.verify("alice", code(alice, 0), null).isAccepted());
        assertTrue(afterRotation.pendingEnrollment("carol", carol.nonce()).isPresent());
        KeyRing oldOnly = TwoFactorServiceTest.ring(key);
        assertFalse(dump.contains(oldOnly.currentKeyId()), "no row is sealed with the old key any more");
        assertTrue(dump.contains(newOnly.currentKeyId()));
    }

    /** Every column of every row of every TOTP Guard table, as text; binary columns as hex and as Latin-1. */
    String dump() throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            for (String table : database.tables()) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rows.getMetaData();
                    while (rows.next()) {
                        for (int column = 1; column <= meta.getColumnCount(); column++) {
                            Object value = rows.getObject(column);
                            if (value instanceof byte[]) {
                                byte[] bytes = (byte[]) value;
                                dump.append(hex(bytes)).append('|').append(new String(bytes, StandardCharsets.ISO_8859_1));
                            } else {
                                dump.append(value);
                            }
                            dump.append('\t');
                        }
                        dump.append('\n');
                    }
                }
            }
        }
        return dump.toString();
    }

    static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    interface Attempt {
        Verification run(int index) throws Exception;
    }

    /** Runs {@code count} attempts on as many threads released together; counts the outcomes. */
    static Map<Outcome, Integer> concurrently(int count, Attempt attempt) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            CyclicBarrier start = new CyclicBarrier(count);
            List<Future<Verification>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<Verification> task = () -> {
                    start.await();
                    return attempt.run(index);
                };
                futures.add(threads.submit(task));
            }
            Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
            for (Future<Verification> future : futures) {
                outcomes.merge(future.get(2, TimeUnit.MINUTES).outcome(), 1, Integer::sum);
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }
}
