package dev.totpguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.crypto.SealedSecret;
import dev.totpguard.crypto.SecretCipher;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@link CredentialStore} contract, run against every implementation: each subclass supplies two store
 * instances over the same data (for the JDBC store: two connection pools, as two application nodes have).
 */
abstract class CredentialStoreContractTest {

    static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_123L);
    static final SecretCipher CIPHER = new SecretCipher(KeyRing.generate(new SecureRandom()));

    /** The store under test. */
    abstract CredentialStore store() throws Exception;

    /** A second store instance over the same data, as another node would use it. */
    abstract CredentialStore otherNode() throws Exception;

    /** The attempt counters that go with {@link #store()} (the attempt counter tests are part of the contract). */
    abstract AttemptCounters counters() throws Exception;

    /** The counters of {@link #otherNode()}: the same counts as {@link #counters()}, seen from another node. */
    abstract AttemptCounters otherNodeCounters() throws Exception;

    static SecretRecord record(String user, TotpParameters parameters, String label, Instant created) {
        return SecretRecord.of(CIPHER.seal(user, Secret.generate()), parameters, label, created);
    }

    static SecretRecord record(String user) {
        return record(user, TotpParameters.DEFAULT, null, NOW);
    }

    static List<String> hashes(String tag, int count) {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hashes.add("pbkdf2-sha256$1000$" + tag + i + "$hash" + i);
        }
        return hashes;
    }

    /** The generation of {@code user}'s stored credential, as a verifier reads it before checking a code. */
    long generation(String user) throws Exception {
        return store().find(user).orElseThrow().generation();
    }

    static String nonceHash(char digit) {
        return String.valueOf(digit).repeat(64);
    }

    /** Enrolls and confirms {@code user} at step 1000 with three recovery codes. */
    SecretRecord enrolled(String user) throws Exception {
        SecretRecord pending = record(user);
        store().savePending(user, pending);
        assertTrue(store().activate(user, pending, 1000, hashes(user, 3), NOW));
        return pending;
    }

    @Test
    void anotherSpellingOfAStoredUserGetsNoCredentialOfItsOwn() throws Exception {
        enrolled("admin");

        for (String alias : List.of("ADMIN", "Admin", "ádmin", "admın", "ＡＤＭＩＮ", " admin ")) {
            assertThrows(AccountAliasException.class, () -> store().savePending(alias, record(alias)), alias);
            assertTrue(otherNode().find(alias).isEmpty(), alias);
            assertEquals(List.of("admin"), otherNode().usersWithAccountKey(AccountKey.of(alias)), alias);
        }
        assertEquals(List.of("admin"), otherNode().listUsers());
        store().savePending("admin", record("admin"));
        assertTrue(store().find("admin").orElseThrow().pending().isPresent(), "the account itself still re-enrolls");
    }

    @Test
    void aDeletedAccountFreesItsSpellings() throws Exception {
        enrolled("admin");
        assertTrue(store().delete("admin"));

        assertEquals(List.of(), otherNode().usersWithAccountKey(AccountKey.of("ADMIN")));
        store().savePending("ADMIN", record("ADMIN"));
        assertEquals(List.of("ADMIN"), otherNode().usersWithAccountKey(AccountKey.of("admin")));
    }

    @Test
    void unknownUserHasNothing() throws Exception {
        assertTrue(store().find("nobody").isEmpty());
        assertEquals(List.of(), store().recoveryCodes("nobody"));
        assertFalse(store().recordFailure("nobody", 0, null, NOW));
        assertFalse(store().advanceLastUsedStep("nobody", 0, 1, 2));
        assertFalse(store().consumeRecoveryCode("nobody", "x", NOW));
        assertFalse(store().delete("nobody"));
    }

    @Test
    void pendingEnrollmentRoundTripsItsParametersAndLabel() throws Exception {
        TotpParameters parameters = TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build();
        SecretRecord pending = record("alice", parameters, "Pixel 8", NOW);

        store().savePending("alice", pending);

        StoredCredential found = otherNode().find("alice").orElseThrow();
        assertEquals(StoredCredential.Status.PENDING, found.status());
        assertEquals(pending, found.pending().orElseThrow());
        assertTrue(found.active().isEmpty());
        assertEquals(Totp.NO_STEP_USED, found.lastUsedStep());
        assertEquals(0, found.failures());
    }

    @Test
    void confirmingActivatesTheSecretUsesTheStepAndStoresTheCodes() throws Exception {
        SecretRecord pending = record("alice");
        store().savePending("alice", pending);
        Instant confirmed = NOW.plusSeconds(40);

        assertTrue(store().activate("alice", pending, 56_666_668L, hashes("a", 10), confirmed));

        StoredCredential found = otherNode().find("alice").orElseThrow();
        assertEquals(StoredCredential.Status.ACTIVE, found.status());
        assertEquals(pending, found.active().orElseThrow());
        assertEquals(confirmed, found.confirmedAt().orElseThrow());
        assertEquals(56_666_668L, found.lastUsedStep());
        assertTrue(found.pending().isEmpty());
        List<RecoveryCodeHash> codes = otherNode().recoveryCodes("alice");
        assertEquals(10, codes.size());
        assertEquals(hashes("a", 10).get(3), codes.get(3).hash());
        assertTrue(codes.stream().noneMatch(RecoveryCodeHash::isUsed));
    }

    @Test
    void reEnrollingKeepsTheActiveSecretUntilTheNewOneIsConfirmed() throws Exception {
        SecretRecord first = enrolled("alice");
        SecretRecord second = record("alice", TotpParameters.DEFAULT, "new phone", NOW.plusSeconds(600));

        store().savePending("alice", second);

        StoredCredential found = store().find("alice").orElseThrow();
        assertEquals(first, found.active().orElseThrow());
        assertEquals(second, found.pending().orElseThrow());
        assertEquals(1000, found.lastUsedStep());

        assertTrue(store().activate("alice", second, 2000, hashes("b", 2), NOW.plusSeconds(660)));
        StoredCredential replaced = store().find("alice").orElseThrow();
        assertEquals(second, replaced.active().orElseThrow());
        assertEquals(2000, replaced.lastUsedStep());
        assertEquals(hashes("b", 2).get(1), store().recoveryCodes("alice").get(1).hash());
        assertEquals(2, store().recoveryCodes("alice").size());
    }

    @Test
    void confirmingAReplacedPendingSecretChangesNothing() throws Exception {
        SecretRecord old = record("alice");
        store().savePending("alice", old);
        SecretRecord newer = record("alice");
        otherNode().savePending("alice", newer);

        assertFalse(store().activate("alice", old, 1000, hashes("a", 3), NOW));

        StoredCredential found = store().find("alice").orElseThrow();
        assertEquals(StoredCredential.Status.PENDING, found.status());
        assertEquals(newer, found.pending().orElseThrow());
        assertEquals(List.of(), store().recoveryCodes("alice"));
    }

    @Test
    void lastUsedStepIsACompareAndSetThatOnlyMovesForward() throws Exception {
        enrolled("alice");

        assertFalse(store().advanceLastUsedStep("alice", generation("alice"), 999, 1001), "stale 'from' must not match");
        assertTrue(store().advanceLastUsedStep("alice", generation("alice"), 1000, 1001));
        assertFalse(otherNode().advanceLastUsedStep("alice", generation("alice"), 1000, 1001), "the same step cannot be taken twice");
        assertThrows(IllegalArgumentException.class, () -> store().advanceLastUsedStep("alice", generation("alice"), 1001, 1001));
        assertThrows(IllegalArgumentException.class, () -> store().advanceLastUsedStep("alice", generation("alice"), 1001, 1000));
        assertEquals(1001, otherNode().find("alice").orElseThrow().lastUsedStep());
    }

    @Test
    void aCheckInFlightAgainstAResetSecretCannotUseAStepOfTheNewOne() throws Exception {
        enrolled("alice");
        // A verifier reads the credential and checks a code against the old secret...
        StoredCredential read = store().find("alice").orElseThrow();
        // ...meanwhile an administrator resets the user, who enrolls a new secret whose last used step happens to
        // be the same step.
        assertTrue(otherNode().delete("alice"));
        SecretRecord replacement = record("alice");
        otherNode().savePending("alice", replacement);
        assertTrue(otherNode().activate("alice", replacement, 1000, hashes("new", 3), NOW));
        StoredCredential now = otherNode().find("alice").orElseThrow();
        assertEquals(read.lastUsedStep(), now.lastUsedStep());
        assertNotEquals(read.generation(), now.generation(), "a new active secret has a new generation");

        assertFalse(store().advanceLastUsedStep("alice", read.generation(), 1000, 1001),
                "a code of the reset secret must not use up a step of the new one");
        assertEquals(1000, store().find("alice").orElseThrow().lastUsedStep());
        assertTrue(store().advanceLastUsedStep("alice", now.generation(), 1000, 1001));
    }

    @Test
    void reEnrollingGivesTheActiveSecretANewGeneration() throws Exception {
        enrolled("alice");
        long first = generation("alice");
        SecretRecord second = record("alice");
        store().savePending("alice", second);
        assertEquals(first, generation("alice"), "a pending enrollment does not change the active secret");
        assertTrue(store().activate("alice", second, 2000, hashes("b", 2), NOW));
        assertNotEquals(first, generation("alice"));
        assertFalse(store().advanceLastUsedStep("alice", first, 2000, 2001));
    }

    @Test
    void activationMatchesOnlyThePendingRecordOfItsNonce() throws Exception {
        SecretRecord pending = record("alice").withNonceHash(nonceHash('a'));
        store().savePending("alice", pending);
        assertEquals(pending, otherNode().find("alice").orElseThrow().pending().orElseThrow(), "the nonce hash is stored");

        assertFalse(store().activate("alice", pending.withNonceHash(nonceHash('b')), 1000, hashes("a", 3), NOW),
                "the same secret under another session's nonce is not the pending enrollment");
        assertFalse(store().activate("alice", pending.withNonceHash(null), 1000, hashes("a", 3), NOW));
        assertEquals(StoredCredential.Status.PENDING, store().find("alice").orElseThrow().status());

        assertTrue(store().activate("alice", pending, 1000, hashes("a", 3), NOW));
        StoredCredential found = store().find("alice").orElseThrow();
        assertEquals(pending.withNonceHash(null), found.active().orElseThrow(), "an active secret keeps no nonce");
        assertTrue(found.pending().isEmpty());
    }

    @Test
    void pendingOnlyCredentialHasNoStepToAdvance() throws Exception {
        store().savePending("alice", record("alice"));

        assertFalse(store().advanceLastUsedStep("alice", generation("alice"), Totp.NO_STEP_USED, 5));
    }

    @Test
    void failureCountIsACompareAndSetThatRespectsTheLock() throws Exception {
        enrolled("alice");

        assertTrue(store().recordFailure("alice", 0, null, NOW));
        assertFalse(otherNode().recordFailure("alice", 0, null, NOW), "a stale count must not match");
        Instant lockEnd = NOW.plusSeconds(60);
        assertTrue(otherNode().recordFailure("alice", 1, lockEnd, NOW));

        StoredCredential locked = store().find("alice").orElseThrow();
        assertEquals(2, locked.failures());
        assertEquals(lockEnd, locked.lockedUntil().orElseThrow());
        assertTrue(locked.isLockedAt(NOW));
        assertFalse(store().recordFailure("alice", 2, null, NOW.plusSeconds(59)), "no attempt while locked");
        assertTrue(store().recordFailure("alice", 2, NOW.plusSeconds(180), lockEnd), "the lock ends at its instant");
        assertEquals(3, store().find("alice").orElseThrow().failures());
    }

    @Test
    void onlyASuccessOrAnUnlockClearsTheFailures() throws Exception {
        enrolled("alice");
        store().recordFailure("alice", 0, null, NOW);
        store().recordFailure("alice", 1, NOW.plusSeconds(60), NOW);

        store().savePending("alice", record("alice"));
        assertEquals(2, store().find("alice").orElseThrow().failures(), "a new enrollment must not clear the count");

        assertTrue(otherNode().advanceLastUsedStep("alice", generation("alice"), 1000, 1001));
        StoredCredential cleared = store().find("alice").orElseThrow();
        assertEquals(0, cleared.failures());
        assertTrue(cleared.lockedUntil().isEmpty());

        store().recordFailure("alice", 0, NOW.plusSeconds(60), NOW);
        store().resetFailures("alice");
        assertEquals(0, store().find("alice").orElseThrow().failures());
        assertTrue(store().find("alice").orElseThrow().lockedUntil().isEmpty());
    }

    @Test
    void recoveryCodeIsUsedOnceAndClearsTheFailures() throws Exception {
        enrolled("alice");
        String hash = hashes("alice", 3).get(1);
        store().recordFailure("alice", 0, NOW.plusSeconds(60), NOW);

        assertTrue(store().consumeRecoveryCode("alice", hash, NOW.plusSeconds(5)));
        assertFalse(otherNode().consumeRecoveryCode("alice", hash, NOW.plusSeconds(6)));
        assertFalse(store().consumeRecoveryCode("bob", hash, NOW), "another user's code does not match");

        List<RecoveryCodeHash> codes = store().recoveryCodes("alice");
        assertEquals(NOW.plusSeconds(5), codes.get(1).usedAt().orElseThrow());
        assertFalse(codes.get(0).isUsed());
        assertEquals(0, store().find("alice").orElseThrow().failures());
    }

    @Test
    void replacedRecoveryCodesVoidTheOldOnes() throws Exception {
        enrolled("alice");
        String old = hashes("alice", 3).get(0);

        assertTrue(store().replaceRecoveryCodes("alice", hashes("new", 10)));

        assertFalse(store().consumeRecoveryCode("alice", old, NOW));
        assertEquals(10, store().recoveryCodes("alice").size());
        assertTrue(store().consumeRecoveryCode("alice", hashes("new", 10).get(9), NOW));
    }

    @Test
    void pendingOnlyCredentialGetsNoRecoveryCodes() throws Exception {
        store().savePending("alice", record("alice"));

        assertFalse(store().replaceRecoveryCodes("alice", hashes("x", 2)));
        assertFalse(store().replaceRecoveryCodes("nobody", hashes("x", 2)));
        assertEquals(List.of(), store().recoveryCodes("alice"));
    }

    @Test
    void resealingIsACompareAndSet() throws Exception {
        SecretRecord active = enrolled("alice");
        SecretRecord pending = record("alice");
        store().savePending("alice", pending);
        SealedSecret newActive = CIPHER.seal("alice", Secret.generate());
        SealedSecret newPending = CIPHER.seal("alice", Secret.generate());

        assertFalse(store().updateSealedSecrets("alice", newActive, newActive, pending.sealed(), newPending));
        assertTrue(store().updateSealedSecrets("alice", active.sealed(), newActive, pending.sealed(), newPending));

        StoredCredential found = otherNode().find("alice").orElseThrow();
        assertEquals(newActive, found.active().orElseThrow().sealed());
        assertEquals(newPending, found.pending().orElseThrow().sealed());
        assertEquals(active.parameters(), found.active().orElseThrow().parameters());
        assertFalse(store().updateSealedSecrets("alice", active.sealed(), newActive, pending.sealed(), newPending));
    }

    @Test
    void resealingAPendingOnlyCredential() throws Exception {
        SecretRecord pending = record("carol");
        store().savePending("carol", pending);
        SealedSecret resealed = CIPHER.seal("carol", Secret.generate());

        assertTrue(store().updateSealedSecrets("carol", null, null, pending.sealed(), resealed));

        assertEquals(resealed, store().find("carol").orElseThrow().pending().orElseThrow().sealed());
    }

    @Test
    void deleteRemovesCredentialAndCodes() throws Exception {
        enrolled("alice");
        enrolled("bob");

        assertTrue(store().delete("alice"));

        assertTrue(otherNode().find("alice").isEmpty());
        assertEquals(List.of(), otherNode().recoveryCodes("alice"));
        assertEquals(List.of("bob"), otherNode().listUsers());
        assertEquals(3, otherNode().recoveryCodes("bob").size());
    }

    @Test
    void userNamesAreComparedExactly() throws Exception {
        enrolled("alice");

        assertTrue(store().find("Alice").isEmpty(), "a look-up by another spelling finds nothing");
        assertFalse(store().advanceLastUsedStep("Alice", generation("alice"), 1000, 1001));
        assertFalse(store().delete("ALICE"));
        assertEquals(StoredCredential.Status.ACTIVE, store().find("alice").orElseThrow().status());
        assertEquals(List.of("alice"), store().listUsers());
    }

    @Test
    void addressCounterRefusesBeyondTheLimitWithinItsWindow() throws Exception {
        Duration window = Duration.ofMinutes(15);
        for (int i = 0; i < 3; i++) {
            assertTrue(counters().reserve("192.0.2.1", 3, window, NOW.plusSeconds(i)));
        }
        assertFalse(otherNodeCounters().reserve("192.0.2.1", 3, window, NOW.plusSeconds(10)));
        assertTrue(counters().reserve("192.0.2.2", 3, window, NOW.plusSeconds(10)), "another address has its own count");

        counters().release("192.0.2.1");
        assertTrue(counters().reserve("192.0.2.1", 3, window, NOW.plusSeconds(11)));
        assertFalse(counters().reserve("192.0.2.1", 3, window, NOW.plusSeconds(12)));

        assertTrue(counters().reserve("192.0.2.1", 3, window, NOW.plus(window)), "a new window starts");
        assertTrue(counters().reserve("192.0.2.1", 3, window, NOW.plus(window).plusSeconds(1)));
    }

    @Test
    void countersOfDerivedKeysOfSixtyFourCharactersCountIndependently() throws Exception {
        Duration window = Duration.ofMinutes(15);
        // The service's keys: what is counted, a colon, and a SHA-256 in Base64url, up to 64 ASCII characters.
        String passwordKey = "password-account:" + "A".repeat(42) + "_";
        String codeKey = "code:" + "A".repeat(42) + "-";
        String longest = "k".repeat(64);
        for (int i = 0; i < 2; i++) {
            assertTrue(counters().reserve(passwordKey, 2, window, NOW.plusSeconds(i)));
        }
        assertFalse(otherNodeCounters().reserve(passwordKey, 2, window, NOW.plusSeconds(2)), "the limit holds on every node");
        assertTrue(counters().reserve(codeKey, 2, window, NOW.plusSeconds(2)), "another key has its own count");
        assertTrue(counters().reserve(longest, 1, Duration.ofMinutes(60), NOW));
        assertFalse(otherNodeCounters().reserve(longest, 1, Duration.ofMinutes(60), NOW.plus(window)),
                "each key keeps the window it was counted with");
        assertTrue(counters().reserve(passwordKey, 2, window, NOW.plus(window)), "a new window starts");
    }

    @Test
    void oldAddressCountersArePurged() throws Exception {
        Duration window = Duration.ofMinutes(15);
        counters().reserve("192.0.2.1", 3, window, NOW);
        counters().reserve("192.0.2.2", 3, window, NOW.plusSeconds(60));

        assertEquals(1, counters().purge(NOW.plusSeconds(30)));
        for (int i = 0; i < 3; i++) {
            assertTrue(counters().reserve("192.0.2.1", 3, window, NOW.plusSeconds(61)));
        }
    }

    @Test
    void sameStepIsTakenExactlyOnceByFiftyConcurrentRequestsOnTwoNodes() throws Exception {
        enrolled("alice");
        CredentialStore[] nodes = {store(), otherNode()};

        long generation = generation("alice");
        List<Boolean> results = concurrently(50, i -> nodes[i % 2].advanceLastUsedStep("alice", generation, 1000, 1001));

        assertEquals(1, results.stream().filter(Boolean::booleanValue).count());
        assertEquals(1001, store().find("alice").orElseThrow().lastUsedStep());
    }

    @Test
    void recoveryCodeIsConsumedExactlyOnceByFiftyConcurrentRequests() throws Exception {
        enrolled("alice");
        CredentialStore[] nodes = {store(), otherNode()};
        String hash = hashes("alice", 3).get(2);

        List<Boolean> results = concurrently(50, i -> nodes[i % 2].consumeRecoveryCode("alice", hash, NOW));

        assertEquals(1, results.stream().filter(Boolean::booleanValue).count());
    }

    @Test
    void twoHundredParallelAttemptsReserveAtMostTheLimit() throws Exception {
        enrolled("alice");
        CredentialStore[] nodes = {store(), otherNode()};
        int limit = 5;

        // What the service does for each attempt: read the count, reserve the next one, retry on a lost race.
        List<Boolean> results = concurrently(200, i -> {
            CredentialStore node = nodes[i % 2];
            while (true) {
                StoredCredential current = node.find("alice").orElseThrow();
                if (current.isLockedAt(NOW)) {
                    return false;
                }
                int next = current.failures() + 1;
                Instant lock = next >= limit ? NOW.plusSeconds(60) : null;
                if (node.recordFailure("alice", current.failures(), lock, NOW)) {
                    return true;
                }
            }
        });

        assertEquals(limit, results.stream().filter(Boolean::booleanValue).count());
        assertEquals(limit, store().find("alice").orElseThrow().failures());
    }

    @Test
    void addressLimitHoldsUnderParallelRequests() throws Exception {
        AttemptCounters[] nodes = {counters(), otherNodeCounters()};

        List<Boolean> results = concurrently(120, i ->
                nodes[i % 2].reserve("198.51.100.7", 50, Duration.ofMinutes(15), NOW));

        long reserved = results.stream().filter(Boolean::booleanValue).count();
        assertTrue(reserved <= 50, reserved + " attempts reserved");
        int more = 0;
        while (counters().reserve("198.51.100.7", 50, Duration.ofMinutes(15), NOW)) {
            more++;
        }
        assertEquals(50, reserved + more, "the window holds exactly the limit");
    }

    @Test
    void parallelFirstAttemptsFromANewAddressBelowTheLimitAreAllReserved() throws Exception {
        AttemptCounters[] nodes = {counters(), otherNodeCounters()};
        // No row yet for the address: the parallel requests race to create it. Losing that race is not the
        // same as being over the limit (the load test met a 429 for the second login of a run this way).
        for (int round = 0; round < 25; round++) {
            String address = "203.0.113." + round;
            List<Boolean> results = concurrently(8, i -> nodes[i % 2].reserve(address, 50, Duration.ofMinutes(15), NOW));
            assertEquals(8, results.stream().filter(Boolean::booleanValue).count(), "round " + round + ": " + results);
        }
    }

    @Test
    void everyRevocationGivesALargerValueOnEveryNodeAndOutlivesTheCredential() throws Exception {
        assertEquals(Instant.EPOCH, store().sessionsValidAfter("alice"));

        assertEquals(NOW, store().revokeSessions("alice", NOW));
        assertEquals(NOW, otherNode().sessionsValidAfter("alice"));
        // The same instant again, and a node whose clock lags: each still a new, larger value.
        assertEquals(NOW.plusMillis(1), otherNode().revokeSessions("alice", NOW));
        assertEquals(NOW.plusMillis(2), store().revokeSessions("alice", NOW.minusSeconds(5)));
        assertEquals(NOW.plusSeconds(60), store().revokeSessions("alice", NOW.plusSeconds(60)));

        enrolled("alice");
        assertTrue(store().delete("alice"));
        assertEquals(NOW.plusSeconds(60), otherNode().sessionsValidAfter("alice"), "a reset deletes the credential, not the revocation");
        assertEquals(Instant.EPOCH, otherNode().sessionsValidAfter("bob"));
        assertEquals(Instant.EPOCH, otherNode().sessionsValidAfter("ALICE"));
    }

    @Test
    void concurrentFirstRevocationsOnTwoNodesAreEachCounted() throws Exception {
        int count = 8;
        List<Boolean> results = concurrently(count, index -> {
            CredentialStore node = index % 2 == 0 ? store() : otherNode();
            return !node.revokeSessions("carol", NOW).isBefore(NOW);
        });

        assertFalse(results.contains(false), results::toString);
        assertEquals(NOW.plusMillis(count - 1), store().sessionsValidAfter("carol"));
    }

    interface Attempt {
        boolean run(int index) throws Exception;
    }

    /** Runs {@code count} attempts on as many threads, released together by a barrier. */
    static List<Boolean> concurrently(int count, Attempt attempt) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            CyclicBarrier start = new CyclicBarrier(count);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<Boolean> task = () -> {
                    start.await();
                    return attempt.run(index);
                };
                futures.add(threads.submit(task));
            }
            List<Boolean> results = new ArrayList<>();
            for (Future<Boolean> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    // ---- trusted browsers

    static TrustedBrowser trusted(String id, String user, long generation, Instant created) {
        return new TrustedBrowser(id, AccountKey.of(user), generation, "Firefox on Linux", created, created.plus(Duration.ofDays(30)));
    }

    static String tokenHash(String id) {
        return (id + "0".repeat(64)).substring(0, 64);
    }

    @Test
    void trustedBrowserIsFoundByItsHashOnEveryNodeAndOnlyThere() throws Exception {
        TrustedBrowser browser = trusted("b1", "alice", 7, NOW);
        store().saveTrustedBrowser(browser, tokenHash("b1"), 20, NOW);
        assertEquals(java.util.Optional.of(browser), otherNode().findTrustedBrowser(tokenHash("b1")));
        assertEquals(java.util.Optional.empty(), otherNode().findTrustedBrowser(tokenHash("b2")));
        assertEquals(List.of(browser), otherNode().trustedBrowsers(AccountKey.of("alice")));
        assertEquals(List.of(), otherNode().trustedBrowsers(AccountKey.of("bob")));
    }

    @Test
    void savingBeyondTheLimitEvictsTheOldestAndDropsTheExpired() throws Exception {
        TrustedBrowser expired = new TrustedBrowser("x", AccountKey.of("alice"), 1, "old", NOW.minus(Duration.ofDays(40)),
                NOW.minus(Duration.ofDays(10)));
        store().saveTrustedBrowser(expired, tokenHash("x"), 3, NOW.minus(Duration.ofDays(40)));
        TrustedBrowser bobs = trusted("bob1", "bob", 1, NOW);
        store().saveTrustedBrowser(bobs, tokenHash("bob1"), 3, NOW);
        for (int i = 1; i <= 4; i++) {
            store().saveTrustedBrowser(trusted("a" + i, "alice", 1, NOW.plusSeconds(i)), tokenHash("a" + i), 3, NOW.plusSeconds(i));
        }
        List<String> ids = new ArrayList<>();
        for (TrustedBrowser browser : otherNode().trustedBrowsers(AccountKey.of("alice"))) {
            ids.add(browser.id());
        }
        assertEquals(List.of("a2", "a3", "a4"), ids, "the three newest, oldest first; the expired one and a1 evicted");
        assertTrue(otherNode().findTrustedBrowser(tokenHash("a1")).isEmpty());
        assertEquals(List.of(bobs), otherNode().trustedBrowsers(AccountKey.of("bob")), "another account is untouched");
    }

    @Test
    void trustedBrowsersAreRevokedOneByOneOrAllOfAnAccount() throws Exception {
        for (String id : List.of("a1", "a2", "a3")) {
            store().saveTrustedBrowser(trusted(id, "alice", 1, NOW), tokenHash(id), 20, NOW);
        }
        store().saveTrustedBrowser(trusted("b1", "bob", 1, NOW), tokenHash("b1"), 20, NOW);
        assertFalse(store().deleteTrustedBrowser(AccountKey.of("bob"), "a1"), "another account's id revokes nothing");
        assertTrue(store().deleteTrustedBrowser(AccountKey.of("alice"), "a1"));
        assertFalse(otherNode().deleteTrustedBrowser(AccountKey.of("alice"), "a1"));
        assertTrue(otherNode().findTrustedBrowser(tokenHash("a1")).isEmpty());
        assertEquals(2, otherNode().deleteTrustedBrowsers(AccountKey.of("alice")));
        assertEquals(List.of(), store().trustedBrowsers(AccountKey.of("alice")));
        assertTrue(store().findTrustedBrowser(tokenHash("b1")).isPresent());
    }

    @Test
    void expiredTrustedBrowsersArePurged() throws Exception {
        store().saveTrustedBrowser(trusted("a1", "alice", 1, NOW), tokenHash("a1"), 20, NOW);
        store().saveTrustedBrowser(trusted("b1", "bob", 1, NOW.plusSeconds(60)), tokenHash("b1"), 20, NOW);
        assertEquals(0, otherNode().purgeTrustedBrowsers(NOW.plus(Duration.ofDays(30)).minusMillis(1)));
        assertEquals(1, otherNode().purgeTrustedBrowsers(NOW.plus(Duration.ofDays(30))));
        assertTrue(store().findTrustedBrowser(tokenHash("a1")).isEmpty());
        assertTrue(store().findTrustedBrowser(tokenHash("b1")).isPresent());
    }

    // ---- authenticators beyond the first (issue 17)

    /** Adds and confirms authenticator {@code id} of {@code user} at step 1000, created {@code seconds} after NOW. */
    StoredAuthenticator addedAuthenticator(String user, String id, String label, int seconds) throws Exception {
        SecretRecord pending = record(user, TotpParameters.DEFAULT, label, NOW.plusSeconds(seconds)).withNonceHash(nonceHash('a'));
        assertTrue(store().savePendingAuthenticator(user, id, pending));
        assertTrue(store().activateAuthenticator(user, id, pending, 1000, NOW.plusSeconds(seconds + 1), 5));
        return otherNode().authenticators(user).stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aPendingAuthenticatorIsConfirmedOnlyWithItsNonceAndThenRoundTrips() throws Exception {
        enrolled("alice");
        TotpParameters parameters = TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build();
        SecretRecord pending = record("alice", parameters, "iPad", NOW.plusSeconds(5)).withNonceHash(nonceHash('b'));
        assertTrue(store().savePendingAuthenticator("alice", "tablet", pending));
        assertEquals(List.of(StoredAuthenticator.pending("tablet", pending)), otherNode().authenticators("alice"));

        assertFalse(store().activateAuthenticator("alice", "tablet", pending.withNonceHash(nonceHash('c')), 5000, NOW, 5),
                "another session's nonce");
        assertTrue(otherNode().activateAuthenticator("alice", "tablet", pending, 5000, NOW.plusSeconds(9), 5));
        assertFalse(store().activateAuthenticator("alice", "tablet", pending, 5000, NOW.plusSeconds(9), 5), "confirmed once");

        StoredAuthenticator active = store().authenticators("alice").get(0);
        assertTrue(active.isActive());
        assertEquals(pending.withNonceHash(null), active.secret());
        assertEquals(NOW.plusSeconds(9), active.confirmedAt());
        assertEquals(5000, active.lastUsedStep());
        assertNotEquals(0, active.generation());
        assertNotEquals(generation("alice"), active.generation());
        assertEquals(1000, store().find("alice").orElseThrow().lastUsedStep(), "the credential's own step is its own");
    }

    @Test
    void onlyAnActiveCredentialAddsAuthenticatorsAndANewAdditionReplacesTheOlderPendingOne() throws Exception {
        assertFalse(store().savePendingAuthenticator("nobody", "x", record("nobody")));
        store().savePending("bob", record("bob"));
        assertFalse(store().savePendingAuthenticator("bob", "x", record("bob")), "a pending-only credential adds nothing");
        assertEquals(List.of(), store().authenticators("bob"));

        enrolled("alice");
        StoredAuthenticator kept = addedAuthenticator("alice", "kept", "phone", 1);
        SecretRecord older = record("alice").withNonceHash(nonceHash('a'));
        assertTrue(store().savePendingAuthenticator("alice", "older", older));
        SecretRecord newer = record("alice").withNonceHash(nonceHash('b'));
        assertTrue(otherNode().savePendingAuthenticator("alice", "newer", newer));
        assertEquals(List.of("newer", "kept"), store().authenticators("alice").stream().map(StoredAuthenticator::id).toList(),
                "oldest first, by creation");
        assertFalse(store().activateAuthenticator("alice", "older", older, 1000, NOW, 5));
        assertEquals(kept, store().authenticators("alice").get(1));
    }

    @Test
    void confirmingAnAuthenticatorHoldsTheLimitCountingTheCredentialsOwn() throws Exception {
        enrolled("alice");
        addedAuthenticator("alice", "second", "two", 1);
        SecretRecord third = record("alice").withNonceHash(nonceHash('c'));
        assertTrue(store().savePendingAuthenticator("alice", "third", third));

        assertFalse(store().activateAuthenticator("alice", "third", third, 1000, NOW, 2), "the credential's and 'second' make two");
        assertFalse(store().authenticators("alice").stream().filter(a -> a.id().equals("third")).findFirst().orElseThrow().isActive());
        assertTrue(otherNode().activateAuthenticator("alice", "third", third, 1000, NOW, 3));
    }

    @Test
    void anAuthenticatorsLastUsedStepIsItsOwnCompareAndSetAndClearsTheAccountsFailures() throws Exception {
        enrolled("alice");
        StoredAuthenticator phone = addedAuthenticator("alice", "phone", null, 1);
        assertTrue(store().recordFailure("alice", 0, null, NOW));

        assertFalse(store().advanceAuthenticatorStep("alice", "phone", phone.generation(), 999, 1001), "stale 'from'");
        assertFalse(store().advanceAuthenticatorStep("alice", "phone", phone.generation() + 1, 1000, 1001), "another generation");
        assertFalse(store().advanceAuthenticatorStep("alice", "other", phone.generation(), 1000, 1001), "another id");
        assertEquals(1, store().find("alice").orElseThrow().failures(), "nothing accepted, nothing cleared");
        assertTrue(store().advanceAuthenticatorStep("alice", "phone", phone.generation(), 1000, 1001));
        assertFalse(otherNode().advanceAuthenticatorStep("alice", "phone", phone.generation(), 1000, 1001), "once");
        assertThrows(IllegalArgumentException.class, () -> store().advanceAuthenticatorStep("alice", "phone", phone.generation(), 1001, 1001));

        assertEquals(1001, otherNode().authenticators("alice").get(0).lastUsedStep());
        assertEquals(1000, otherNode().find("alice").orElseThrow().lastUsedStep());
        assertEquals(0, otherNode().find("alice").orElseThrow().failures());
    }

    @Test
    void anAuthenticatorsStepIsTakenExactlyOnceByFiftyConcurrentRequestsOnTwoNodes() throws Exception {
        enrolled("alice");
        StoredAuthenticator phone = addedAuthenticator("alice", "phone", null, 1);
        CredentialStore[] nodes = {store(), otherNode()};

        List<Boolean> results = concurrently(50, i -> nodes[i % 2].advanceAuthenticatorStep("alice", "phone", phone.generation(), 1000, 1001));

        assertEquals(1, results.stream().filter(Boolean::booleanValue).count());
        assertEquals(1001, store().authenticators("alice").get(0).lastUsedStep());
    }

    @Test
    void promotingPutsTheAuthenticatorInTheCredentialsPlaceOnlyForTheExpectedGeneration() throws Exception {
        enrolled("alice");
        StoredAuthenticator older = addedAuthenticator("alice", "older", "backup", 1);
        addedAuthenticator("alice", "newer", "tablet", 2);
        assertTrue(store().advanceAuthenticatorStep("alice", "older", older.generation(), 1000, 1500));
        assertTrue(store().recordFailure("alice", 0, null, NOW));
        long generation = generation("alice");

        assertFalse(store().promoteAuthenticator("alice", generation + 1, "older"), "a stale generation");
        assertFalse(store().promoteAuthenticator("alice", generation, "none"), "no such authenticator");
        assertTrue(otherNode().promoteAuthenticator("alice", generation, "older"));
        assertFalse(store().promoteAuthenticator("alice", generation, "newer"), "the first was replaced already");

        StoredCredential promoted = store().find("alice").orElseThrow();
        assertEquals(older.secret(), promoted.active().orElseThrow());
        assertEquals(Optional.of(older.confirmedAt()), promoted.confirmedAt());
        assertEquals(1500, promoted.lastUsedStep());
        assertEquals(older.generation(), promoted.generation());
        assertEquals(1, promoted.failures(), "the account's failure count stays");
        assertEquals(List.of("newer"), store().authenticators("alice").stream().map(StoredAuthenticator::id).toList());
        assertEquals(3, store().recoveryCodes("alice").size(), "recovery codes stay per account");
    }

    @Test
    void authenticatorsAreDeletedOneByOneOrWithTheCredential() throws Exception {
        enrolled("alice");
        addedAuthenticator("alice", "one", null, 1);
        addedAuthenticator("alice", "two", null, 2);
        enrolled("bob");
        addedAuthenticator("bob", "one", null, 1);

        assertTrue(store().deleteAuthenticator("alice", "one"));
        assertFalse(otherNode().deleteAuthenticator("alice", "one"));
        assertEquals(List.of("two"), otherNode().authenticators("alice").stream().map(StoredAuthenticator::id).toList());
        assertEquals(1, store().authenticators("bob").size(), "another account's same id is untouched");

        assertTrue(store().delete("alice"));
        assertEquals(List.of(), otherNode().authenticators("alice"));
        enrolled("alice");
        assertEquals(List.of(), otherNode().authenticators("alice"), "enrolling again starts with one authenticator");
    }

    @Test
    void resealingAnAuthenticatorIsACompareAndSet() throws Exception {
        enrolled("alice");
        StoredAuthenticator phone = addedAuthenticator("alice", "phone", "iPhone", 1);
        SealedSecret resealed = CIPHER.seal("alice", Secret.generate());

        assertFalse(store().updateAuthenticatorSecret("alice", "phone", resealed, resealed), "not the stored sealing");
        assertTrue(store().updateAuthenticatorSecret("alice", "phone", phone.secret().sealed(), resealed));
        assertFalse(otherNode().updateAuthenticatorSecret("alice", "phone", phone.secret().sealed(), resealed), "once");

        StoredAuthenticator found = otherNode().authenticators("alice").get(0);
        assertEquals(resealed, found.secret().sealed());
        assertEquals(phone.secret().parameters(), found.secret().parameters());
        assertEquals(phone.secret().deviceLabel(), found.secret().deviceLabel());
        assertEquals(phone.lastUsedStep(), found.lastUsedStep());
    }
}
