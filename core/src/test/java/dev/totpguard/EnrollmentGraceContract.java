package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The enrollment grace of enforcement REQUIRED on one store: when a period starts, that it ends by the service's clock
 * or by sign-ins counted in the store, and that nothing but an administrator's grant starts it again. Time moves
 * through a {@link MutableClock}, never by sleeping.
 */
abstract class EnrollmentGraceContract {

    static final Instant ENFORCED = Instant.parse("2026-12-04T09:00:00Z");
    static final Duration DAY = Duration.ofDays(1);

    final MutableClock clock = new MutableClock(ENFORCED);
    final KeyRing keyRing = TwoFactorServiceTest.ring(KeyRing.generateEncodedKey());
    /** The application's directory: when each account was created (accounts not in it: unknown). */
    final Map<String, Instant> created = new ConcurrentHashMap<>();

    /** The store under test; every call gives the same data (a JDBC store: another pool, as after a restart). */
    abstract CredentialStore store() throws Exception;

    TwoFactorService service(int days, int signIns) throws Exception {
        return service(TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED)
                .enrollmentGrace(days, signIns).build());
    }

    TwoFactorService service(TwoFactorPolicy policy) throws Exception {
        return TwoFactorService.builder().store(store()).keyRing(keyRing).policy(policy).clock(clock)
                .recoveryCodeIterations(1000).accountCreationTimes(user -> Optional.ofNullable(created.get(user))).build();
    }

    @Test
    void withoutAGraceNobodyIsInOneAndTheStoreIsNotAsked() throws Exception {
        TwoFactorService required = service(TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED).build());

        assertSame(EnrollmentGrace.NONE, required.countGraceSignIn("alice"));
        assertSame(EnrollmentGrace.NONE, required.enrollmentGrace("alice"));
        assertFalse(required.enrollmentGrace("alice").open());
    }

    @Test
    void aGraceNeedsEnforcementRequired() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> TwoFactorPolicy.builder().enrollmentGrace(7, 0).build());
        assertTrue(refused.getMessage().contains("REQUIRED"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().enrollmentGrace(91, 0));
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().enrollmentGrace(0, 101));
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().enrollmentGrace(-1, 0));
    }

    @Test
    void theDaysRunOutByTheServiceClockCountedFromWhenEnforcementWasTurnedOn() throws Exception {
        TwoFactorService service = service(3, 0);
        service.countGraceSignIn("admin");
        created.put("alice", ENFORCED.minus(Duration.ofDays(400)));

        clock.advance(Duration.ofDays(2));
        EnrollmentGrace grace = service.countGraceSignIn("alice");
        assertTrue(grace.open());
        assertEquals(Optional.of(ENFORCED), grace.startedAt(), "an account older than the enforcement starts with it");
        assertEquals(Optional.of(ENFORCED.plus(Duration.ofDays(3))), grace.endsAt());
        assertEquals(OptionalInt.empty(), grace.signInsLeft());

        clock.set(ENFORCED.plus(Duration.ofDays(3)).minusMillis(1));
        assertTrue(service.enrollmentGrace("alice").open());
        clock.advance(Duration.ofMillis(1));
        assertFalse(service.enrollmentGrace("alice").open());
        assertFalse(service.countGraceSignIn("alice").open());
    }

    @Test
    void theSignInsRunOutOneCountedSignInAtATime() throws Exception {
        TwoFactorService service = service(0, 2);

        EnrollmentGrace first = service.countGraceSignIn("alice");
        assertTrue(first.open());
        assertEquals(OptionalInt.of(1), first.signInsLeft());
        assertEquals(Optional.empty(), first.endsAt());
        assertTrue(service.enrollmentGrace("alice").open(), "reading does not count");
        assertTrue(service.enrollmentGrace("alice").open());
        EnrollmentGrace second = service.countGraceSignIn("alice");
        assertTrue(second.open(), "the last allowed sign-in still passes");
        assertEquals(OptionalInt.of(0), second.signInsLeft());
        assertTrue(service.enrollmentGrace("alice").open(), "the rest of that login too");

        assertFalse(service.countGraceSignIn("alice").open(), "the third sign-in must enroll");
        assertFalse(service.enrollmentGrace("alice").open());
        assertTrue(service.countGraceSignIn("bob").open(), "another account has its own count");
    }

    @Test
    void daysAndSignInsEndTheGraceWhicheverComesFirst() throws Exception {
        TwoFactorService service = service(5, 3);
        assertTrue(service.countGraceSignIn("alice").open());
        clock.advance(Duration.ofDays(5));
        assertFalse(service.countGraceSignIn("alice").open(), "days over with sign-ins left");

        assertTrue(service.countGraceSignIn("bob").open());
        assertTrue(service.countGraceSignIn("bob").open());
        assertTrue(service.countGraceSignIn("bob").open());
        assertFalse(service.countGraceSignIn("bob").open(), "sign-ins over with days left");
    }

    @Test
    void neitherARestartNorSignInsLaterStartThePeriodAgain() throws Exception {
        service(3, 0).countGraceSignIn("alice");
        clock.advance(Duration.ofDays(2));
        service(3, 0).countGraceSignIn("alice");
        clock.advance(Duration.ofDays(1));

        TwoFactorService restarted = service(3, 0);
        assertFalse(restarted.countGraceSignIn("alice").open(), "a new service over the same store, three days on");
        assertEquals(Optional.of(ENFORCED), restarted.enrollmentGrace("alice").startedAt());
        created.put("carol", ENFORCED.minus(DAY));
        assertEquals(Optional.of(ENFORCED), restarted.enrollmentGrace("carol").startedAt(),
                "the restarted service keeps the enforcement start recorded three days ago");
    }

    @Test
    void anAccountCreatedAfterEnforcementGetsItsOwnFullPeriodFromItsCreation() throws Exception {
        TwoFactorService service = service(3, 0);
        created.put("alice", ENFORCED.minus(DAY));
        assertTrue(service.countGraceSignIn("alice").open());

        clock.advance(Duration.ofDays(10));
        created.put("bob", clock.instant().minus(Duration.ofHours(1)));
        clock.advance(Duration.ofDays(1));
        EnrollmentGrace bob = service.countGraceSignIn("bob");
        assertTrue(bob.open(), "not the remainder of someone else's period, nor none");
        assertEquals(Optional.of(created.get("bob").plus(Duration.ofDays(3))), bob.endsAt());
        assertFalse(service.countGraceSignIn("alice").open());

        clock.set(created.get("bob").plus(Duration.ofDays(3)));
        assertFalse(service.enrollmentGrace("bob").open());
    }

    @Test
    void withoutACreationTimeThePeriodStartsAtTheFirstSignInSeenAfterEnforcement() throws Exception {
        TwoFactorService service = service(3, 0);
        service.countGraceSignIn("admin");
        clock.advance(Duration.ofDays(10));

        EnrollmentGrace carol = service.countGraceSignIn("carol");

        assertTrue(carol.open());
        assertEquals(Optional.of(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), carol.startedAt());
        clock.advance(Duration.ofDays(3));
        assertFalse(service.countGraceSignIn("carol").open());
    }

    @Test
    void aResetDoesNotGrantANewPeriodButAnAdministratorsExplicitGrantDoes() throws Exception {
        TwoFactorService service = service(3, 1);
        assertTrue(service.countGraceSignIn("alice").open());
        Enrollment enrollment = service.startEnrollment("alice");
        Totp totp = Totp.builder().parameters(enrollment.otpAuthUri().parameters()).clock(clock).build();
        assertTrue(service.confirmEnrollment("alice", enrollment.nonce(),
                totp.generate(enrollment.otpAuthUri().secret().bytes()), null).isAccepted());

        service.reset("alice", "root");
        assertFalse(service.countGraceSignIn("alice").open(), "the sign-in after the reset must enroll");

        service.grantEnrollmentGrace("alice", "root");
        clock.advance(Duration.ofDays(2));
        EnrollmentGrace granted = service.countGraceSignIn("alice");
        assertTrue(granted.open());
        assertEquals(OptionalInt.of(0), granted.signInsLeft());
        assertEquals(Optional.of(clock.instant().minus(Duration.ofDays(2)).plus(Duration.ofDays(3))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), granted.endsAt());
    }

    @Test
    void anotherSpellingOfTheNameSharesTheAccountsPeriod() throws Exception {
        TwoFactorService service = service(0, 2);
        assertTrue(service.countGraceSignIn("alice").open());
        assertTrue(service.countGraceSignIn("ALICE").open());
        assertFalse(service.countGraceSignIn("Alice").open(), "one account, one count");
    }

    @Test
    void aCreationTimeAheadOfTheClockDoesNotStretchThePeriod() throws Exception {
        TwoFactorService service = service(3, 0);
        created.put("mallory", ENFORCED.plus(Duration.ofDays(300)));

        EnrollmentGrace grace = service.countGraceSignIn("mallory");

        assertEquals(Optional.of(ENFORCED.plus(Duration.ofDays(3))), grace.endsAt());
    }

    @Test
    void anUnreadableCreationTimeRefusesRatherThanGuesses() throws Exception {
        TwoFactorService service = TwoFactorService.builder().store(store()).keyRing(keyRing).clock(clock)
                .policy(TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED).enrollmentGrace(3, 0).build())
                .accountCreationTimes(user -> {
                    throw new dev.totpguard.store.StoreException("directory down");
                }).build();

        assertThrows(dev.totpguard.store.StoreException.class, () -> service.countGraceSignIn("alice"));
        assertThrows(dev.totpguard.store.StoreException.class, () -> service.enrollmentGrace("alice"));
    }
}
