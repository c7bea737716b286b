package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Verification.Outcome;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.StoredAuthenticator;
import dev.totpguard.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Several authenticators per account (issue 17) on one store, through the service: each signs in with its own code,
 * a code is one-time per authenticator, one failure count locks them all, the policy's limit, the last-one rule,
 * removing the first one, and key rotation. Time moves through a {@link MutableClock}, never by sleeping.
 */
abstract class AuthenticatorsContract {

    static final Instant START = Instant.parse("2026-12-04T10:00:05Z");
    static final String ADDRESS = "192.0.2.10";

    final MutableClock clock = new MutableClock(START);
    final RecordingListener events = new RecordingListener();
    final String oldKey = KeyRing.generateEncodedKey();
    KeyRing keyRing = TwoFactorServiceTest.ring(oldKey);

    /** The store under test; every call gives the same data (a JDBC store: another pool, as another node has). */
    abstract CredentialStore store() throws Exception;

    TwoFactorService service(TwoFactorPolicy policy) throws Exception {
        return TwoFactorService.builder().store(store()).keyRing(keyRing).policy(policy).clock(clock).listener(events)
                .recoveryCodeIterations(1000).build();
    }

    TwoFactorService service() throws Exception {
        return service(TwoFactorPolicy.builder().addressLimit(0, Duration.ofMinutes(15)).build());
    }

    /** The code {@code enrollment}'s app shows {@code offset} steps from now. */
    String code(Enrollment enrollment, int offset) {
        Totp totp = Totp.builder().parameters(enrollment.otpAuthUri().parameters()).clock(clock).build();
        return totp.generateAtStep(enrollment.otpAuthUri().secret().bytes(), totp.currentStep() + offset);
    }

    /** A 6-digit code that none of {@code enrollments} shows in the window. */
    String wrong(Enrollment... enrollments) {
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean shown = false;
            for (Enrollment enrollment : enrollments) {
                for (int offset = -1; offset <= 1; offset++) {
                    shown |= code.equals(code(enrollment, offset));
                }
            }
            if (!shown) {
                return code;
            }
        }
    }

    void nextStep() {
        clock.advance(Duration.ofSeconds(30));
    }

    Enrollment enrolled(TwoFactorService service, String user, String label) throws Exception {
        Enrollment enrollment = service.startEnrollment(user, label);
        assertTrue(service.confirmEnrollment(user, enrollment.nonce(), code(enrollment, 0), ADDRESS).isAccepted());
        nextStep();
        return enrollment;
    }

    /** Adds an authenticator with a current code of {@code existing}; leaves the clock one step on. */
    Enrollment added(TwoFactorService service, String user, Enrollment existing, String label) throws Exception {
        Verification proof = service.verify(user, code(existing, 0), ADDRESS);
        assertTrue(proof.isAccepted(), proof.toString());
        Enrollment addition = service.startAuthenticator(proof, label);
        Verification confirmed = service.confirmAuthenticator(user, addition.nonce(), code(addition, 0), ADDRESS);
        assertTrue(confirmed.isAccepted(), confirmed.toString());
        nextStep();
        return addition;
    }

    @Test
    void eachAuthenticatorSignsInWithItsOwnCodeAndTheyAreListedAlike() throws Exception {
        TwoFactorService service = service();
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Enrollment backup = added(service, "alice", phone, "backup YubiKey app");

        assertTrue(service.verify("alice", code(phone, 0), ADDRESS).isAccepted(), "the first one");
        assertTrue(service.verify("alice", code(backup, 0), ADDRESS).isAccepted(), "the added one, at the same step");

        List<Authenticator> listed = service.authenticators("alice");
        assertEquals(List.of(Optional.of("iPhone"), Optional.of("backup YubiKey app")),
                listed.stream().map(Authenticator::label).toList());
        assertTrue(listed.get(1).lastUsedAt().isPresent());
        assertTrue(events.types().contains(TwoFactorEvent.Type.AUTHENTICATOR_ADDED));
        assertEquals("backup YubiKey app", events.events().stream()
                .filter(event -> event.type() == TwoFactorEvent.Type.AUTHENTICATOR_ADDED).findFirst().orElseThrow().detail().orElseThrow());
        assertEquals(10, service.status("alice").recoveryCodesRemaining(), "recovery codes stay per account");
    }

    /**
     * A label is shown to the user and mailed to them: control and invisible formatting characters go (a right-to-left
     * override, U+202E, would show "ppa kcab" as something else; a zero-width space hides in a look-alike).
     */
    @Test
    void aLabelKeepsNoControlOrFormattingCharacters() throws Exception {
        TwoFactorService service = service();
        Enrollment phone = enrolled(service, "alice", "iPhone");
        added(service, "alice", phone, "back\u202Eup\u200B\r\napp\u0000");

        assertEquals(Optional.of("backupapp"), service.authenticators("alice").get(1).label());
    }

    @Test
    void aCodeIsOneTimePerAuthenticatorAndTheOthersStayUsable() throws Exception {
        TwoFactorService service = service();
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Enrollment backup = added(service, "alice", phone, "backup");

        String backupCode = code(backup, 0);
        assertTrue(service.verify("alice", backupCode, ADDRESS).isAccepted());
        assertEquals(Outcome.REPLAYED, service.verify("alice", backupCode, ADDRESS).outcome());
        assertEquals(Outcome.REPLAYED, service(TwoFactorPolicy.builder().addressLimit(0, Duration.ofMinutes(15)).build())
                .verify("alice", backupCode, ADDRESS).outcome(), "refused on another node too");
        assertTrue(service.verify("alice", code(phone, 0), ADDRESS).isAccepted(), "the first one's step is its own");
    }

    @Test
    void oneFailureCountLocksEveryAuthenticatorOfTheAccount() throws Exception {
        TwoFactorService service = service(TwoFactorPolicy.builder().addressLimit(0, Duration.ofMinutes(15)).maxFailures(3).build());
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Enrollment backup = added(service, "alice", phone, "backup");

        assertEquals(Outcome.INVALID, service.verify("alice", wrong(phone, backup), ADDRESS).outcome());
        assertEquals(Outcome.INVALID, service.verify("alice", wrong(phone, backup), ADDRESS).outcome());
        assertEquals(2, store().find("alice").orElseThrow().failures(), "wrong codes count once each, not once per authenticator");
        assertTrue(service.verify("alice", code(backup, 0), ADDRESS).isAccepted(), "a right code of any one ends the run");
        assertEquals(0, store().find("alice").orElseThrow().failures());

        for (int i = 0; i < 3; i++) {
            service.verify("alice", wrong(phone, backup), ADDRESS);
        }
        assertEquals(Outcome.LOCKED, service.verify("alice", code(phone, 1), ADDRESS).outcome());
        assertEquals(Outcome.LOCKED, service.verify("alice", code(backup, 1), ADDRESS).outcome());
    }

    @Test
    void theLimitRefusesOneMoreWithAClearMessage() throws Exception {
        TwoFactorService service = service(TwoFactorPolicy.builder().addressLimit(0, Duration.ofMinutes(15)).maxAuthenticators(2).build());
        Enrollment phone = enrolled(service, "alice", "iPhone");
        added(service, "alice", phone, "backup");

        Verification proof = service.verify("alice", code(phone, 0), ADDRESS);
        AuthenticatorLimitException refused = assertThrows(AuthenticatorLimitException.class,
                () -> service.startAuthenticator(proof, "third"));
        assertEquals(2, refused.limit());
        assertTrue(refused.getMessage().contains("(2)"), refused.getMessage());
        assertEquals(2, service.authenticators("alice").size());
    }

    @Test
    void anAdditionNeedsAFreshCodeAndIsConfirmedOnlyByTheNewAppInTheSessionThatStartedIt() throws Exception {
        TwoFactorService service = service();
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Verification proof = service.verify("alice", code(phone, 0), ADDRESS);
        assertThrows(IllegalArgumentException.class, () -> service.startAuthenticator(Verification.invalid(), "x"));

        Enrollment addition = service.startAuthenticator(proof, "tablet");
        assertEquals(Outcome.NOT_ENROLLED, service.confirmAuthenticator("alice", "another session's nonce", code(addition, 0), ADDRESS).outcome());
        assertEquals(0, store().find("alice").orElseThrow().failures(), "another session's addition is not even counted");
        assertEquals(Outcome.INVALID, service.confirmAuthenticator("alice", addition.nonce(), code(phone, 1), ADDRESS).outcome(),
                "a code of the existing app does not confirm the new one");
        assertTrue(service.pendingAuthenticator("alice", addition.nonce()).isPresent());
        assertEquals(1, service.authenticators("alice").size(), "pending additions are not listed");

        clock.advance(Duration.ofMinutes(2));
        assertThrows(IllegalArgumentException.class, () -> service.startAuthenticator(proof, "late"), "a stale proof adds nothing");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(Outcome.NOT_ENROLLED, service.confirmAuthenticator("alice", addition.nonce(), code(addition, 0), ADDRESS).outcome(),
                "an addition expires like an enrollment");
    }

    @Test
    void removingTheFirstPutsTheOldestOtherInItsPlaceAndForgetsTrustedBrowsers() throws Exception {
        TwoFactorService service = service(TwoFactorPolicy.builder().addressLimit(0, Duration.ofMinutes(15))
                .enforcement(TwoFactorPolicy.Enforcement.REQUIRED).trustedBrowserDays(30).build());
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Enrollment backup = added(service, "alice", phone, "backup");
        Enrollment tablet = added(service, "alice", backup, "tablet");
        Verification login = service.verify("alice", code(tablet, 0), ADDRESS);
        String browser = service.trustBrowser(login, "Firefox", ADDRESS);
        nextStep();

        String firstId = service.authenticators("alice").get(0).id();
        Verification proof = service.verify("alice", code(backup, 0), ADDRESS);
        assertTrue(service.removeAuthenticator(proof, firstId));

        List<Authenticator> left = service.authenticators("alice");
        assertEquals(List.of(Optional.of("backup"), Optional.of("tablet")), left.stream().map(Authenticator::label).toList());
        assertEquals(1, store().authenticators("alice").size(), "backup moved into the credential row");
        nextStep();
        assertEquals(Outcome.INVALID, service.verify("alice", code(phone, 0), ADDRESS).outcome(), "the removed one no longer signs in");
        assertTrue(service.verify("alice", code(backup, 0), ADDRESS).isAccepted());
        assertEquals(Outcome.REPLAYED, service.verify("alice", code(backup, 0), ADDRESS).outcome(),
                "the promoted one keeps its own last used step");
        assertTrue(service.verify("alice", code(tablet, 0), ADDRESS).isAccepted());
        assertFalse(service.isTrustedBrowser("alice", browser), "removing an authenticator forgets the trusted browsers");
        assertEquals("iPhone", events.events().stream().filter(event -> event.type() == TwoFactorEvent.Type.AUTHENTICATOR_REMOVED)
                .findFirst().orElseThrow().detail().orElseThrow());
        assertFalse(service.removeAuthenticator(service.verify("alice", code(tablet, 1), ADDRESS), firstId), "gone already");
    }

    @Test
    void theLastOneGoesOnlyWhereTheSecondFactorIsOptional() throws Exception {
        TwoFactorService required = service(TwoFactorPolicy.builder().addressLimit(0, Duration.ofMinutes(15))
                .enforcement(TwoFactorPolicy.Enforcement.REQUIRED).build());
        Enrollment phone = enrolled(required, "alice", "iPhone");
        Enrollment backup = added(required, "alice", phone, "backup");
        String backupId = required.authenticators("alice").get(1).id();
        assertTrue(required.removeAuthenticator(required.verify("alice", code(backup, 0), ADDRESS), backupId),
                "the one removed may give the code");
        nextStep();
        String phoneId = required.authenticators("alice").get(0).id();
        Verification proof = required.verify("alice", code(phone, 0), ADDRESS);
        assertThrows(LastAuthenticatorException.class, () -> required.removeAuthenticator(proof, phoneId));
        assertThrows(LastAuthenticatorException.class, () -> required.removeAuthenticator("alice", phoneId, "root"));
        assertEquals(1, required.authenticators("alice").size());

        TwoFactorService optional = service();
        nextStep();
        assertTrue(optional.removeAuthenticator(optional.verify("alice", code(phone, 0), ADDRESS), phoneId));
        assertEquals(TwoFactorStatus.NONE, optional.status("alice"), "the last one goes as a disable does");
    }

    @Test
    void anAdministratorRemovesOneOfAnotherUsersAuthenticators() throws Exception {
        TwoFactorService service = service();
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Enrollment backup = added(service, "alice", phone, "lost phone");
        String lostId = service.authenticators("alice").get(1).id();

        assertFalse(service.removeAuthenticator("alice", "no-such-id", "root"));
        assertFalse(service.removeAuthenticator("alice", "<script>", "root"), "a malformed id is simply none");
        assertTrue(service.removeAuthenticator("alice", lostId, "root"));

        assertEquals(Outcome.INVALID, service.verify("alice", code(backup, 0), ADDRESS).outcome());
        TwoFactorEvent removed = events.events().stream().filter(event -> event.type() == TwoFactorEvent.Type.AUTHENTICATOR_REMOVED)
                .findFirst().orElseThrow();
        assertEquals(Optional.of("root"), removed.actor());
        assertEquals(Optional.of("lost phone"), removed.detail());
    }

    @Test
    void keyRotationReSealsTheFurtherAuthenticatorsToo() throws Exception {
        TwoFactorService service = service();
        Enrollment phone = enrolled(service, "alice", "iPhone");
        Enrollment backup = added(service, "alice", phone, "backup");
        String newKey = KeyRing.generateEncodedKey();

        keyRing = TwoFactorServiceTest.ring(newKey, oldKey);
        assertEquals(2, service().rotateKeys(), "the credential and the further authenticator");
        assertEquals(0, service().rotateKeys());
        for (StoredAuthenticator stored : store().authenticators("alice")) {
            assertEquals(TwoFactorServiceTest.ring(newKey).currentKeyId(), stored.secret().sealed().keyId());
        }

        keyRing = TwoFactorServiceTest.ring(newKey);
        TwoFactorService onlyNewKey = service();
        assertTrue(onlyNewKey.verify("alice", code(backup, 0), ADDRESS).isAccepted());
        assertTrue(onlyNewKey.verify("alice", code(phone, 0), ADDRESS).isAccepted());
    }
}
