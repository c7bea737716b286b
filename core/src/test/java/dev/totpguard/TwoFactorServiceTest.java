package dev.totpguard;

import dev.totpguard.internal.config.SettingsFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Verification.Outcome;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.store.InMemoryCredentialStore;
import dev.totpguard.store.StoredCredential;
import dev.totpguard.testkit.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service's behaviour on the in-memory store: enrollment, verification, limits, recovery, management. */
class TwoFactorServiceTest {

    static final Instant START = Instant.parse("2024-03-01T10:00:05Z");
    static final String ADDRESS = "192.0.2.10";

    final MutableClock clock = new MutableClock(START);
    final RecordingListener events = new RecordingListener();
    final InMemoryCredentialStore store = new InMemoryCredentialStore();
    final String oldKey = KeyRing.generateEncodedKey();
    final KeyRing keyRing = ring(oldKey);
    TwoFactorService service = newService(TwoFactorPolicy.defaults());

    TwoFactorService newService(TwoFactorPolicy policy) {
        return TwoFactorService.builder().store(store).keyRing(keyRing).policy(policy).clock(clock)
                .listener(events).recoveryCodeIterations(1000).build();
    }

    /** The code the user's app shows {@code offset} steps from now. */
    String code(Enrollment enrollment, int offset) {
        Totp totp = Totp.builder().parameters(enrollment.otpAuthUri().parameters()).clock(clock).build();
        return totp.generateAtStep(enrollment.otpAuthUri().secret().bytes(), totp.currentStep() + offset);
    }

    /** Enrolls {@code user}, confirming with the current code; returns the enrollment and leaves the clock one step on. */
    Enrollment enrolled(String user) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        assertTrue(service.confirmEnrollment(user, enrollment.nonce(), code(enrollment, 0), ADDRESS).isAccepted());
        clock.advance(Duration.ofSeconds(30));
        return enrollment;
    }

    @Test
    void enrollmentGivesUriKeyAndQrForThePendingSecret() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice@example.com");

        assertEquals("TOTP Guard", enrollment.issuer());
        assertEquals("alice@example.com", enrollment.account());
        assertTrue(enrollment.otpAuthUri().toUriString().startsWith("otpauth://totp/TOTP%20Guard:alice%40example.com?secret="));
        assertEquals(32 + 7, enrollment.groupedKey().length(), "160 bits: 32 Base32 characters in 8 groups");
        assertTrue(enrollment.qrPngDataUri().startsWith("data:image/png;base64,"));
        assertTrue(enrollment.qrSvg().contains("<svg"));
        assertFalse(enrollment.toString().contains(enrollment.otpAuthUri().secret().toBase32()));
        TwoFactorStatus status = service.status("alice@example.com");
        assertEquals(TwoFactorStatus.State.PENDING, status.state());
        assertFalse(status.isActive());
        assertEquals(enrollment.groupedKey(), service.pendingEnrollment("alice@example.com", enrollment.nonce()).orElseThrow().groupedKey());
    }

    @Test
    void confirmingActivatesAndReturnsRecoveryCodesOnce() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");

        EnrollmentResult result = service.confirmEnrollment("alice", enrollment.nonce(), code(enrollment, 0), ADDRESS);

        assertTrue(result.isAccepted());
        assertEquals(10, result.recoveryCodes().size());
        assertFalse(result.toString().contains(result.recoveryCodes().get(0)));
        TwoFactorStatus status = service.status("alice");
        assertTrue(status.isActive());
        assertEquals(START, status.confirmedAt().orElseThrow());
        assertEquals(10, status.recoveryCodesRemaining());
        assertTrue(service.pendingEnrollment("alice", enrollment.nonce()).isEmpty());
        assertEquals(List.of(TwoFactorEvent.Type.ENROLLMENT_STARTED, TwoFactorEvent.Type.SESSIONS_REVOKED,
                TwoFactorEvent.Type.ENROLLMENT_CONFIRMED), events.types());
    }

    @Test
    void theConfirmingCodeIsUsedUp() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        String confirming = code(enrollment, 0);
        service.confirmEnrollment("alice", enrollment.nonce(), confirming, ADDRESS);

        assertEquals(Outcome.REPLAYED, service.verify("alice", confirming, ADDRESS).outcome());
    }

    @Test
    void wrongConfirmationCodeKeepsThePendingSecret() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        String right = code(enrollment, 0);
        String wrong = right.equals("000000") ? "111111" : "000000";

        assertEquals(Outcome.INVALID, service.confirmEnrollment("alice", enrollment.nonce(), wrong, ADDRESS).verification().outcome());
        assertEquals(TwoFactorStatus.State.PENDING, service.status("alice").state());
        assertEquals(1, service.status("alice").failureCount());
        assertTrue(service.confirmEnrollment("alice", enrollment.nonce(), right, ADDRESS).isAccepted());
        assertEquals(0, service.status("alice").failureCount());
    }

    @Test
    void confirmingWithoutPendingEnrollmentIsNotEnrolled() {
        assertEquals(Outcome.NOT_ENROLLED, service.confirmEnrollment("nobody", "no-such-nonce", "123456", ADDRESS).verification().outcome());
    }

    @Test
    void validCodeIsAcceptedOnceThenReplayed() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String current = code(enrollment, 0);

        Verification accepted = service.verify("alice", current, ADDRESS);
        assertEquals(Outcome.ACCEPTED, accepted.outcome());
        assertEquals("alice", accepted.user().orElseThrow());
        assertEquals(clock.instant(), accepted.issuedAt().orElseThrow());
        assertEquals(Verification.replayed(), service.verify("alice", current, "198.51.100.1"));
        assertEquals(TwoFactorEvent.Type.REPLAY_REFUSED, events.types().get(events.types().size() - 1));
    }

    @Test
    void olderCodeIsRefusedAfterANewerOneWasUsed() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String previous = code(enrollment, -1);

        assertTrue(service.verify("alice", code(enrollment, 0), ADDRESS).isAccepted());
        assertEquals(Outcome.REPLAYED, service.verify("alice", previous, ADDRESS).outcome());
    }

    @Test
    void codesWithinTheWindowAreAcceptedAndOutsideRefused() throws Exception {
        Enrollment enrollment = enrolled("alice");
        clock.advance(Duration.ofSeconds(60));
        String twoBack = code(enrollment, -2);
        String twoAhead = code(enrollment, 2);

        assertEquals(Outcome.INVALID, service.verify("alice", twoBack, ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.verify("alice", twoAhead, ADDRESS).outcome());
        assertTrue(service.verify("alice", code(enrollment, -1), ADDRESS).isAccepted());
        assertTrue(service.verify("alice", code(enrollment, 1), ADDRESS).isAccepted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "12345", "1234567", "+12345", "١٢٣٤٥٦", "１２３４５６", "12345x", "123 4567"})
    void malformedCodesAreInvalidNotErrors(String input) throws Exception {
        enrolled("alice");

        assertEquals(Outcome.INVALID, service.verify("alice", input, ADDRESS).outcome());
    }

    @Test
    void nullAndHugeInputAreInvalid() throws Exception {
        enrolled("alice");

        assertEquals(Outcome.INVALID, service.verify("alice", null, ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.verify("alice", "1".repeat(10_000), ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.useRecoveryCode("alice", "x".repeat(10_000), ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.verify(null, "123456", ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.verify("a\nb", "123456", ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.verify("u".repeat(300), "123456", ADDRESS).outcome());
    }

    @Test
    void userWithoutActiveSecondFactorIsNotEnrolled() throws Exception {
        service.startEnrollment("pending");

        assertEquals(Outcome.NOT_ENROLLED, service.verify("nobody", "123456", ADDRESS).outcome());
        assertEquals(Outcome.NOT_ENROLLED, service.verify("pending", "123456", ADDRESS).outcome());
        assertEquals(Outcome.NOT_ENROLLED, service.useRecoveryCode("pending", "abcde-fghjk", ADDRESS).outcome());
        assertEquals(TwoFactorStatus.State.NONE, service.status("nobody").state());
    }

    @Test
    void fiveFailuresLockAndEvenTheRightCodeIsThenRefused() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String wrong = wrongCode(enrollment);

        for (int i = 0; i < 5; i++) {
            assertEquals(Outcome.INVALID, service.verify("alice", wrong, ADDRESS).outcome(), "attempt " + (i + 1));
        }
        Verification locked = service.verify("alice", code(enrollment, 0), ADDRESS);

        assertEquals(Outcome.LOCKED, locked.outcome());
        assertEquals(Duration.ofMinutes(1), locked.retryAfter().orElseThrow());
        assertEquals(1, events.count(TwoFactorEvent.Type.LOCKED_OUT));
        assertEquals(START.plusSeconds(30).plus(Duration.ofMinutes(1)), service.status("alice").lockedUntil().orElseThrow());
    }

    @Test
    void lockGrowsByDoublingUpToTheCapAndASuccessEndsIt() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String wrong = wrongCode(enrollment);
        for (int i = 0; i < 5; i++) {
            service.verify("alice", wrong, ADDRESS);
        }
        Duration expected = Duration.ofMinutes(1);
        for (int round = 0; round < 8; round++) {
            assertEquals(expected, service.verify("alice", wrong, ADDRESS).retryAfter().orElseThrow());
            clock.advance(expected);
            assertEquals(Outcome.INVALID, service.verify("alice", wrong(enrollment), ADDRESS).outcome(), "one attempt after each lock");
            expected = expected.multipliedBy(2).compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : expected.multipliedBy(2);
        }
        assertEquals(Duration.ofHours(1), service.verify("alice", wrong, ADDRESS).retryAfter().orElseThrow());

        clock.advance(Duration.ofHours(1));
        assertTrue(service.verify("alice", code(enrollment, 0), ADDRESS).isAccepted());
        assertEquals(0, service.status("alice").failureCount());
        assertTrue(service.status("alice").lockedUntil().isEmpty());
    }

    @Test
    void failureCountSurvivesEverythingButASecondFactorSuccess() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String wrong = wrongCode(enrollment);
        for (int i = 0; i < 3; i++) {
            service.verify("alice", wrong, "198.51.100." + i);
        }

        Enrollment again = service.startEnrollment("alice");
        service.pendingEnrollment("alice", again.nonce());
        TwoFactorService otherNode = newService(TwoFactorPolicy.defaults());
        assertEquals(3, otherNode.status("alice").failureCount(), "a new session, node or enrollment does not reset it");

        otherNode.verify("alice", wrong, ADDRESS);
        otherNode.verify("alice", wrong, ADDRESS);
        assertEquals(Outcome.LOCKED, service.verify("alice", code(enrollment, 0), ADDRESS).outcome());
    }

    @Test
    void usersBehindOneAddressDoNotLockEachOtherOut() throws Exception {
        // Issue 13 item 3: from one NAT address, 11 throw-away accounts x 5 wrong enrollment codes, and an insider
        // failing their own logins, made every other user's right code a 429 for the whole window.
        service = newService(TwoFactorPolicy.builder().addressLimit(3, Duration.ofMinutes(15)).build());
        Enrollment alice = enrolled("alice");
        Enrollment mallory = enrolled("mallory");
        String nat = "203.0.113.66";
        for (int i = 0; i < 11; i++) {
            Enrollment throwAway = service.startEnrollment("throwaway" + i);
            for (int j = 0; j < 5; j++) {
                service.confirmEnrollment("throwaway" + i, throwAway.nonce(), wrongCode(throwAway), nat);
            }
        }
        for (int i = 0; i < 4; i++) {
            service.verify("mallory", wrongCode(mallory), nat);
        }

        assertTrue(service.verify("alice", code(alice, 0), nat).isAccepted(), "another account behind the same address");
        Verification refused = service.verify("mallory", code(mallory, 0), nat);
        assertEquals(Outcome.LOCKED, refused.outcome(), "the limit still holds for one account from one address");
        assertEquals(Duration.ofMinutes(15), refused.retryAfter().orElseThrow());
        assertTrue(service.verify("mallory", code(mallory, 0), "192.0.2.99").isAccepted(), "other addresses are not affected");
    }

    @Test
    void wrongPasswordsLockTheSecondFactorAsWrongCodesDo() throws Exception {
        // Issue 13 item 1: if only codes after a right password counted, a lock after five tries of a candidate
        // password would confirm it. Now five wrong passwords lock too, and a lock refuses every password unhashed.
        Enrollment alice = enrolled("alice");
        for (int i = 0; i < 5; i++) {
            try (PasswordAttempt attempt = service.passwordAttempt(i % 2 == 0 ? "alice" : "ALICE", ADDRESS)) {
                assertTrue(attempt.admitted(), "attempt " + i);
                attempt.failed();
            }
        }

        try (PasswordAttempt probe = service.passwordAttempt("alice", ADDRESS)) {
            assertEquals(PasswordAttempt.Admission.LOCKED, probe.admission());
            assertEquals(Duration.ofMinutes(1), probe.retryAfter());
            assertThrows(IllegalStateException.class, probe::passed, "a refused attempt has no password to check");
        }
        assertEquals(Outcome.LOCKED, service.verify("alice", code(alice, 0), ADDRESS).outcome());
        assertEquals(6, events.count(TwoFactorEvent.Type.PASSWORD_REFUSED));
        assertEquals(1, events.count(TwoFactorEvent.Type.LOCKED_OUT));
        clock.advance(Duration.ofMinutes(1));
        try (PasswordAttempt attempt = service.passwordAttempt("alice", ADDRESS)) {
            assertTrue(attempt.admitted(), "the lock ends as a code lock does");
            attempt.passed();
        }
        assertTrue(service.verify("alice", code(alice, 0), ADDRESS).isAccepted());
    }

    @Test
    void passwordAttemptsBeyondTheAccountLimitAreRefusedBeforeHashingKnownOrNot() throws Exception {
        service = newService(TwoFactorPolicy.builder().passwordLimits(3, 100, Duration.ofMinutes(15)).build());
        enrolled("alice");
        for (String user : List.of("alice", "nobody")) {
            for (int i = 0; i < 3; i++) {
                try (PasswordAttempt attempt = service.passwordAttempt(user, "192.0.2." + i)) {
                    assertTrue(attempt.admitted(), user + " attempt " + i);
                    // A right password counts as well: the count must say nothing about the password.
                    attempt.passed();
                }
            }
            try (PasswordAttempt refused = service.passwordAttempt(user, "198.51.100.1")) {
                assertEquals(PasswordAttempt.Admission.LOCKED, refused.admission(), user);
                assertEquals(Duration.ofMinutes(15), refused.retryAfter());
            }
        }
        clock.advance(Duration.ofMinutes(15));
        try (PasswordAttempt attempt = service.passwordAttempt("nobody", ADDRESS)) {
            assertTrue(attempt.admitted(), "the window ends");
        }
    }

    @Test
    void aCompletedLoginGivesItsPasswordAttemptBack() throws Exception {
        service = newService(TwoFactorPolicy.builder().passwordLimits(3, 3, Duration.ofMinutes(15)).build());
        for (int i = 0; i < 10; i++) {
            try (PasswordAttempt attempt = service.passwordAttempt("alice", ADDRESS)) {
                assertTrue(attempt.admitted(), "login " + i);
                attempt.passed();
            }
            service.passwordLoginCompleted("alice", ADDRESS);
        }
    }

    @Test
    void passwordAttemptsBeyondTheAddressLimitAreRefusedForEveryName() throws Exception {
        service = newService(TwoFactorPolicy.builder().passwordLimits(100, 3, Duration.ofMinutes(15)).build());
        for (int i = 0; i < 3; i++) {
            try (PasswordAttempt attempt = service.passwordAttempt("user" + i, "203.0.113.7")) {
                attempt.failed();
            }
        }
        try (PasswordAttempt refused = service.passwordAttempt("user9", "203.0.113.7")) {
            assertEquals(PasswordAttempt.Admission.LOCKED, refused.admission());
        }
        try (PasswordAttempt other = service.passwordAttempt("user9", "192.0.2.1")) {
            assertTrue(other.admitted(), "another address");
        }
        try (PasswordAttempt noName = service.passwordAttempt(null, "203.0.113.7")) {
            assertEquals(PasswordAttempt.Admission.LOCKED, noName.admission(), "a missing name is counted by its address");
        }
    }

    @Test
    void atMostTheConfiguredNumberOfPasswordsAreHashedAtOnce() throws Exception {
        service = newService(TwoFactorPolicy.builder().passwordLimits(0, 0, Duration.ofMinutes(15))
                .passwordHashing(2, Duration.ZERO).build());
        PasswordAttempt first = service.passwordAttempt("a", ADDRESS);
        PasswordAttempt second = service.passwordAttempt("b", ADDRESS);
        PasswordAttempt third = service.passwordAttempt("c", ADDRESS);

        assertTrue(first.admitted());
        assertTrue(second.admitted());
        assertEquals(PasswordAttempt.Admission.BUSY, third.admission(), "no third turn while two are open");
        first.close();
        first.close();
        try (PasswordAttempt fourth = service.passwordAttempt("d", ADDRESS)) {
            assertTrue(fourth.admitted(), "a closed attempt gives its turn back, once");
            assertEquals(PasswordAttempt.Admission.BUSY, service.passwordAttempt("e", ADDRESS).admission());
        }
        second.close();
        assertEquals(2, events.count(TwoFactorEvent.Type.PASSWORD_REFUSED), "each busy refusal is audited");
    }

    @Test
    void aBusyRefusalUsesUpNoneOfTheAccountsAttempts() throws Exception {
        service = newService(TwoFactorPolicy.builder().passwordLimits(2, 2, Duration.ofMinutes(15))
                .passwordHashing(1, Duration.ZERO).build());
        try (PasswordAttempt flood = service.passwordAttempt("bogus", "203.0.113.1")) {
            for (int i = 0; i < 5; i++) {
                assertEquals(PasswordAttempt.Admission.BUSY, service.passwordAttempt("alice", ADDRESS).admission());
            }
            flood.failed();
        }
        try (PasswordAttempt attempt = service.passwordAttempt("alice", ADDRESS)) {
            assertTrue(attempt.admitted(), "the refusals while busy were no guesses");
        }
    }

    @Test
    void manyParallelLoginsNeverHashMoreThanTheBoundAtOnce() throws Exception {
        service = newService(TwoFactorPolicy.builder().passwordLimits(0, 0, Duration.ofMinutes(15))
                .passwordHashing(2, Duration.ofSeconds(30)).build());
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(16);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> logins = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String user = "user" + i;
                logins.add(pool.submit(() -> {
                    start.await();
                    try (PasswordAttempt attempt = service.passwordAttempt(user, ADDRESS)) {
                        if (attempt.admitted()) {
                            admitted.incrementAndGet();
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            for (int spin = 0; spin < 1000; spin++) {
                                Thread.yield();
                            }
                            inside.decrementAndGet();
                            attempt.failed();
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> login : logins) {
                login.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(16, admitted.get(), "every login got its turn within the wait");
        assertTrue(most.get() <= 2, "at most two at once, saw " + most.get());
    }

    @Test
    void successGivesTheAddressItsAttemptBack() throws Exception {
        service = newService(TwoFactorPolicy.builder().addressLimit(2, Duration.ofMinutes(15)).build());
        Enrollment alice = enrolled("alice");

        for (int i = 0; i < 5; i++) {
            assertTrue(service.verify("alice", code(alice, 0), ADDRESS).isAccepted(), "login " + i);
            clock.advance(Duration.ofSeconds(30));
        }
    }

    @Test
    void recoveryCodeWorksOnceInAnyOrder() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        List<String> codes = service.confirmEnrollment("alice", enrollment.nonce(), code(enrollment, 0), ADDRESS).recoveryCodes();

        assertTrue(service.useRecoveryCode("alice", codes.get(7), ADDRESS).isAccepted());
        assertTrue(service.useRecoveryCode("alice", codes.get(2).toUpperCase(java.util.Locale.ROOT).replace("-", " "), ADDRESS).isAccepted());
        assertEquals(Outcome.REPLAYED, service.useRecoveryCode("alice", codes.get(7), ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.useRecoveryCode("alice", "zzzzz-zzzzz", ADDRESS).outcome());
        assertEquals(8, service.status("alice").recoveryCodesRemaining());
        assertEquals(2, events.count(TwoFactorEvent.Type.RECOVERY_CODE_USED));
    }

    @Test
    void recoveryCodesShareTheFailureLimit() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        List<String> codes = service.confirmEnrollment("alice", enrollment.nonce(), code(enrollment, 0), ADDRESS).recoveryCodes();
        clock.advance(Duration.ofSeconds(30));
        String wrong = wrongCode(enrollment);
        for (int i = 0; i < 3; i++) {
            service.verify("alice", wrong, ADDRESS);
        }
        service.useRecoveryCode("alice", "zzzzz-zzzzz", ADDRESS);
        service.useRecoveryCode("alice", "yyyyy-yyyyy", ADDRESS);

        assertEquals(Outcome.LOCKED, service.useRecoveryCode("alice", codes.get(0), ADDRESS).outcome());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(service.useRecoveryCode("alice", codes.get(0), ADDRESS).isAccepted());
        assertEquals(0, service.status("alice").failureCount(), "a recovery code is a second-factor success");
    }

    @Test
    void regeneratedRecoveryCodesVoidTheOldOnes() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        List<String> old = service.confirmEnrollment("alice", enrollment.nonce(), code(enrollment, 0), ADDRESS).recoveryCodes();

        List<String> fresh = service.regenerateRecoveryCodes("alice");

        assertEquals(Outcome.INVALID, service.useRecoveryCode("alice", old.get(0), ADDRESS).outcome());
        assertTrue(service.useRecoveryCode("alice", fresh.get(0), ADDRESS).isAccepted());
        assertThrows(IllegalStateException.class, () -> service.regenerateRecoveryCodes("nobody"));
    }

    @Test
    void twoSessionsOfOneUserSeeDifferentSecretsAndOnlyTheLaterOneCanConfirm() throws Exception {
        Enrollment first = service.startEnrollment("alice");
        Enrollment second = service.startEnrollment("alice");

        assertNotEquals(first.groupedKey(), second.groupedKey());
        assertNotEquals(first.nonce(), second.nonce());
        assertTrue(service.pendingEnrollment("alice", first.nonce()).isEmpty(), "the replaced enrollment is gone for its session");
        assertTrue(service.pendingEnrollment("alice", null).isEmpty(), "no nonce, no secret");
        assertTrue(service.pendingEnrollment("alice", "guessed").isEmpty());
        assertEquals(second.groupedKey(), service.pendingEnrollment("alice", second.nonce()).orElseThrow().groupedKey());

        assertEquals(Outcome.NOT_ENROLLED, service.confirmEnrollment("alice", first.nonce(), code(second, 0), ADDRESS).verification().outcome(),
                "a session cannot confirm another session's secret, even with its right code");
        assertEquals(Outcome.NOT_ENROLLED, service.confirmEnrollment("alice", null, code(second, 0), ADDRESS).verification().outcome());
        assertEquals(Outcome.INVALID, service.confirmEnrollment("alice", second.nonce(), code(first, 0), ADDRESS).verification().outcome(),
                "a code of the other session's secret does not confirm");
        assertEquals(TwoFactorStatus.State.PENDING, service.status("alice").state());

        EnrollmentResult confirmed = service.confirmEnrollment("alice", second.nonce(), code(second, 0), ADDRESS);
        assertTrue(confirmed.isAccepted());
        assertEquals("alice", confirmed.verification().user().orElseThrow());
    }

    @Test
    void anExpiredEnrollmentCanNeitherBeShownNorConfirmed() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        clock.advance(Duration.ofMinutes(10));
        assertTrue(service.pendingEnrollment("alice", enrollment.nonce()).isPresent(), "valid for exactly the timeout");
        clock.advance(Duration.ofSeconds(1));

        assertTrue(service.pendingEnrollment("alice", enrollment.nonce()).isEmpty());
        assertEquals(Outcome.NOT_ENROLLED,
                service.confirmEnrollment("alice", enrollment.nonce(), code(enrollment, 0), ADDRESS).verification().outcome());
        assertFalse(service.status("alice").isActive());

        Enrollment again = service.startEnrollment("alice");
        assertTrue(service.confirmEnrollment("alice", again.nonce(), code(again, 0), ADDRESS).isAccepted());
    }

    @Test
    void theEnrollmentTimeoutIsAPolicySetting() {
        assertEquals(Duration.ofMinutes(10), TwoFactorPolicy.defaults().enrollmentTimeout());
        assertEquals(Duration.ofMinutes(3),
                SettingsFactory.policy(Settings.of(java.util.Map.of(TotpGuardSettings.ENROLLMENT_TIMEOUT, "PT3M"), "setting")).enrollmentTimeout());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> SettingsFactory.policy(Settings.of(java.util.Map.of(TotpGuardSettings.ENROLLMENT_TIMEOUT, "P7D"), "setting")));
        assertTrue(tooLong.getMessage().contains(TotpGuardSettings.ENROLLMENT_TIMEOUT), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SettingsFactory.policy(Settings.of(java.util.Map.of(TotpGuardSettings.ENROLLMENT_TIMEOUT, "PT10S"), "setting")));
    }

    @Test
    void theNonceIsNeverInTheEnrollmentsTextNorStoredInClear() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        assertFalse(enrollment.toString().contains(enrollment.nonce()));
        String stored = store.find("alice").orElseThrow().pending().orElseThrow().nonceHash().orElseThrow();
        assertNotEquals(enrollment.nonce(), stored);
        assertEquals(64, stored.length());
        assertTrue(java.util.Base64.getUrlDecoder().decode(enrollment.nonce()).length >= 16, "at least 128 bits");
    }

    @Test
    void aCodeCheckedAgainstASecretThatIsResetAndReEnrolledMeanwhileIsRefused() throws Exception {
        InterleavingStore seam = new InterleavingStore(store);
        TwoFactorService node = TwoFactorService.builder().store(seam).keyRing(keyRing).clock(clock).listener(events)
                .recoveryCodeIterations(1000).build();
        Enrollment old = node.startEnrollment("alice");
        assertTrue(node.confirmEnrollment("alice", old.nonce(), code(old, 0), ADDRESS).isAccepted());
        long lastUsed = store.find("alice").orElseThrow().lastUsedStep();
        clock.advance(Duration.ofSeconds(30));
        String oldCode = code(old, 0);

        // Between the verifier's read and its compare-and-set: an administrator resets alice, who enrolls a new
        // secret and confirms it with a code of the step that the old secret last used.
        seam.beforeNextAdvance(() -> {
            node.reset("alice", "admin");
            Enrollment replacement = node.startEnrollment("alice");
            assertTrue(node.confirmEnrollment("alice", replacement.nonce(), code(replacement, -1), ADDRESS).isAccepted());
            assertEquals(lastUsed, store.find("alice").orElseThrow().lastUsedStep());
        });
        Verification inFlight = node.verify("alice", oldCode, ADDRESS);

        assertEquals(Outcome.INVALID, inFlight.outcome(), "the reset secret's code must not pass against the new secret");
        assertEquals(lastUsed, store.find("alice").orElseThrow().lastUsedStep(), "no step of the new secret was used up");
    }

    @Test
    void onlyTheServiceCanIssueAnAcceptedVerification() {
        for (java.lang.reflect.Method method : Verification.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(method.getModifiers()) && method.getReturnType() == Verification.class) {
                assertTrue(List.of("invalid", "replayed", "notEnrolled", "storeUnavailable", "locked", "accountAlias").contains(method.getName()),
                        "public factory " + method);
            }
        }
        assertEquals(0, Verification.class.getConstructors().length);
        assertFalse(Verification.invalid().claim(), "a refusal proves nothing");
        assertFalse(Verification.accountAlias().isAccepted(), "the alias refusal is a refusal");
    }

    @Test
    void reEnrollingKeepsTheOldSecretUntilTheNewOneIsConfirmed() throws Exception {
        Enrollment first = enrolled("alice");
        Enrollment second = service.startEnrollment("alice");

        assertTrue(service.status("alice").isActive());
        assertTrue(service.status("alice").hasPendingEnrollment());
        assertTrue(service.verify("alice", code(first, 0), ADDRESS).isAccepted());
        clock.advance(Duration.ofSeconds(30));

        assertTrue(service.confirmEnrollment("alice", second.nonce(), code(second, 0), ADDRESS).isAccepted());
        clock.advance(Duration.ofSeconds(30));
        assertNotEquals(code(first, 0), code(second, 0));
        assertEquals(Outcome.INVALID, service.verify("alice", code(first, 0), ADDRESS).outcome());
        assertTrue(service.verify("alice", code(second, 0), ADDRESS).isAccepted());
    }

    @Test
    void enrolledCredentialKeepsItsParametersWhenThePolicyChanges() throws Exception {
        service = newService(TwoFactorPolicy.builder()
                .parameters(TotpParameters.builder().digits(8).periodSeconds(60).build()).build());
        Enrollment eightDigits = enrolled("alice");

        service = newService(TwoFactorPolicy.defaults());
        clock.advance(Duration.ofSeconds(60));

        assertEquals(8, code(eightDigits, 0).length());
        assertTrue(service.verify("alice", code(eightDigits, 0), ADDRESS).isAccepted());
    }

    @Test
    void disableResetAndUnlockAreAudited() throws Exception {
        Enrollment alice = enrolled("alice");
        enrolled("bob");
        for (int i = 0; i < 5; i++) {
            service.verify("alice", wrongCode(alice), ADDRESS);
        }

        service.unlock("alice", "admin");
        assertTrue(service.verify("alice", code(alice, 0), ADDRESS).isAccepted());
        service.disable("alice");
        service.reset("bob", "admin");

        assertEquals(TwoFactorStatus.State.NONE, service.status("alice").state());
        assertEquals(TwoFactorStatus.State.NONE, service.status("bob").state());
        TwoFactorEvent reset = events.events().stream().filter(e -> e.type() == TwoFactorEvent.Type.RESET).findFirst().orElseThrow();
        assertEquals("bob", reset.user());
        assertEquals("admin", reset.actor().orElseThrow());
        assertEquals(1, events.count(TwoFactorEvent.Type.UNLOCKED));
        assertEquals(1, events.count(TwoFactorEvent.Type.DISABLED));
    }

    @Test
    void eventsNeverCarryASecretOrACode() throws Exception {
        Enrollment enrollment = service.startEnrollment("alice");
        String confirming = code(enrollment, 0);
        List<String> codes = service.confirmEnrollment("alice", enrollment.nonce(), confirming, ADDRESS).recoveryCodes();
        clock.advance(Duration.ofSeconds(30));
        String next = code(enrollment, 0);
        service.verify("alice", next, ADDRESS);
        service.verify("alice", next, ADDRESS);
        service.verify("alice", wrongCode(enrollment), ADDRESS);
        service.useRecoveryCode("alice", codes.get(0), ADDRESS);

        String secret = enrollment.otpAuthUri().secret().toBase32();
        for (TwoFactorEvent event : events.events()) {
            String line = event + " " + LoggingTwoFactorListener.format(event);
            assertFalse(line.contains(secret), line);
            assertFalse(line.contains(confirming), line);
            assertFalse(line.contains(next), line);
            assertFalse(line.contains(codes.get(0)), line);
        }
    }

    @Test
    void rotatedKeysReEncryptEverySecretAndOldRowsOpenBefore() throws Exception {
        Enrollment alice = enrolled("alice");
        Enrollment bob = service.startEnrollment("bob");
        String newKey = KeyRing.generateEncodedKey();
        KeyRing rotated = ring(newKey);
        KeyRing both = ring(newKey, oldKey);
        TwoFactorService newNode = TwoFactorService.builder().store(store).keyRing(both).clock(clock).listener(events).build();

        assertTrue(newNode.verify("alice", code(alice, 0), ADDRESS).isAccepted(), "old rows open with the old key still in the ring");
        assertEquals(2, newNode.rotateKeys());
        assertEquals(0, newNode.rotateKeys(), "nothing left to re-encrypt");

        StoredCredential row = store.find("alice").orElseThrow();
        assertEquals(rotated.currentKeyId(), row.active().orElseThrow().sealed().keyId());
        assertEquals(rotated.currentKeyId(), store.find("bob").orElseThrow().pending().orElseThrow().sealed().keyId());
        TwoFactorService onlyNewKey = TwoFactorService.builder().store(store).keyRing(rotated).clock(clock).listener(events).build();
        clock.advance(Duration.ofSeconds(30));
        assertTrue(onlyNewKey.verify("alice", code(alice, 0), ADDRESS).isAccepted());
        assertTrue(onlyNewKey.pendingEnrollment("bob", bob.nonce()).isPresent());
    }

    @Test
    void secretSealedWithAMissingKeyFailsClosed() throws Exception {
        Enrollment alice = enrolled("alice");
        TwoFactorService wrongKey = TwoFactorService.builder().store(store).keyRing(KeyRing.generate(new SecureRandom()))
                .clock(clock).listener(events).build();

        assertEquals(Outcome.STORE_UNAVAILABLE, wrongKey.verify("alice", code(alice, 0), ADDRESS).outcome());
        assertEquals(1, events.count(TwoFactorEvent.Type.STORE_UNAVAILABLE));
    }

    @Test
    void throwingListenerDoesNotChangeTheOutcome() throws Exception {
        Enrollment alice = enrolled("alice");
        TwoFactorService noisy = TwoFactorService.builder().store(store).keyRing(keyRing).clock(clock)
                .listener(event -> {
                    throw new IllegalStateException("audit sink down");
                }).build();

        assertTrue(noisy.verify("alice", code(alice, 0), ADDRESS).isAccepted());
    }

    @Test
    void managementRefusesMalformedUserNames() {
        assertThrows(IllegalArgumentException.class, () -> service.startEnrollment(""));
        assertThrows(IllegalArgumentException.class, () -> service.startEnrollment("a\r\nb"));
        assertThrows(NullPointerException.class, () -> service.status(null));
    }

    /** A 6-digit code that is none of the window's codes. */
    String wrongCode(Enrollment enrollment) {
        return wrong(enrollment);
    }

    String wrong(Enrollment enrollment) {
        List<String> window = List.of(code(enrollment, -1), code(enrollment, 0), code(enrollment, 1));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!window.contains(code)) {
                return code;
            }
        }
    }

    /** A ring of base64 keys, the first current. */
    static KeyRing ring(String... encodedKeys) {
        List<javax.crypto.SecretKey> keys = new java.util.ArrayList<>();
        for (String encoded : encodedKeys) {
            keys.add(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(encoded), "AES"));
        }
        return KeyRing.of(keys);
    }

    // ---- sessions

    @Test
    void aRevocationOnAnotherNodeIsSeenWithinTheRefreshTimeAndOnTheRevokingNodeAtOnce() throws Exception {
        TwoFactorService otherNode = newService(TwoFactorPolicy.defaults());
        enrolled("alice");
        long validAfter = service.sessionsValidAfter("alice");
        assertTrue(service.isSessionCurrent("alice", validAfter));
        assertTrue(otherNode.isSessionCurrent("alice", validAfter));

        service.revokeSessions("alice");

        assertFalse(service.isSessionCurrent("alice", validAfter), "the revoking node knows at once");
        clock.advance(Duration.ofSeconds(9));
        assertTrue(otherNode.isSessionCurrent("alice", validAfter), "the other node answers from memory for 10 s");
        clock.advance(Duration.ofSeconds(1));
        assertFalse(otherNode.isSessionCurrent("alice", validAfter));
        // A session verified after the revocation is current everywhere, even where the memory is older.
        long now = service.sessionsValidAfter("alice");
        assertTrue(otherNode.isSessionCurrent("alice", now));
        assertTrue(service.isSessionCurrent("bob", 0), "another account is not touched");
        assertTrue(events.events().stream().anyMatch(e -> e.type() == TwoFactorEvent.Type.SESSIONS_REVOKED
                && e.user().equals("alice") && e.detail().orElse("").equals("revoked")));
    }

    @Test
    void resetDisableLockAndANewSecretEachRevokeTheSessions() throws Exception {
        enrolled("alice");
        long before = service.sessionsValidAfter("alice");
        service.reset("alice", "root");
        long afterReset = service.sessionsValidAfter("alice");
        assertTrue(afterReset > before);

        Enrollment enrollment = enrolled("alice");
        long afterNewSecret = service.sessionsValidAfter("alice");
        assertTrue(afterNewSecret > afterReset);

        for (int i = 0; i < TwoFactorPolicy.defaults().maxFailures(); i++) {
            service.verify("alice", "000000".equals(code(enrollment, 0)) ? "111111" : "000000", null);
        }
        long afterLock = service.sessionsValidAfter("alice");
        assertTrue(afterLock > afterNewSecret);

        service.disable("alice");
        assertTrue(service.sessionsValidAfter("alice") > afterLock);
        assertEquals(List.of("new secret", "reset", "new secret", "locked", "disabled"), events.events().stream()
                .filter(e -> e.type() == TwoFactorEvent.Type.SESSIONS_REVOKED).map(e -> e.detail().orElseThrow()).toList());
    }

    @Test
    void theRevocationMemoryStaysBounded() throws Exception {
        SessionRevocations memory = new SessionRevocations(store, clock, Duration.ofSeconds(10).toMillis());
        for (int i = 0; i < SessionRevocations.MAX_ACCOUNTS * 2; i++) {
            assertTrue(memory.isCurrent("user" + i, 0));
            assertTrue(memory.size() <= SessionRevocations.MAX_ACCOUNTS, () -> memory.size() + " accounts kept");
        }
        store.revokeSessions("user1", clock.instant());
        clock.advance(Duration.ofSeconds(10));
        assertFalse(memory.isCurrent("user1", 0));
        assertTrue(memory.size() <= SessionRevocations.MAX_ACCOUNTS);
    }
}
