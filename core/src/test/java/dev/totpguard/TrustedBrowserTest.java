package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.AccountKey;
import dev.totpguard.store.InMemoryCredentialStore;
import dev.totpguard.store.TrustedBrowser;
import dev.totpguard.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Remember this browser" in the service: the token replaces the code of one account's login only, for the policy's
 * days, and every event that ends the account's sessions ends it too (the ASP.NET Core bypass: trust that outlived a
 * credential change).
 */
class TrustedBrowserTest {

    static final Instant START = Instant.parse("2024-03-01T10:00:05Z");

    final MutableClock clock = new MutableClock(START);
    final RecordingListener events = new RecordingListener();
    final InMemoryCredentialStore store = new InMemoryCredentialStore();
    final KeyRing keyRing = KeyRing.generate(new SecureRandom());
    TwoFactorService service = newService(30);

    TwoFactorService newService(int days) {
        return TwoFactorService.builder().store(store).keyRing(keyRing)
                .policy(TwoFactorPolicy.builder().trustedBrowserDays(days).build()).clock(clock)
                .listener(events).recoveryCodeIterations(1000).build();
    }

    String code(Enrollment enrollment, int offset) {
        Totp totp = Totp.builder().parameters(enrollment.otpAuthUri().parameters()).clock(clock).build();
        return totp.generateAtStep(enrollment.otpAuthUri().secret().bytes(), totp.currentStep() + offset);
    }

    Enrollment enrolled(String user) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        assertTrue(service.confirmEnrollment(user, enrollment.nonce(), code(enrollment, 0), null).isAccepted());
        clock.advance(Duration.ofSeconds(30));
        return enrollment;
    }

    /** Signs in with a code and trusts the browser, as the token page does; the clock moves on a little. */
    String trusted(String user, Enrollment enrollment) throws Exception {
        Verification proof = service.verify(user, code(enrollment, 0), null);
        assertTrue(proof.isAccepted());
        clock.advance(Duration.ofMillis(5));
        String token = service.trustBrowser(proof, "Firefox on Linux", null);
        clock.advance(Duration.ofSeconds(30));
        return token;
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void offUnlessThePolicySaysSo() throws Exception {
        service = newService(0);
        Enrollment enrollment = enrolled("alice");
        Verification proof = service.verify("alice", code(enrollment, 0), null);
        assertThrows(IllegalStateException.class, () -> service.trustBrowser(proof, "x", null));
        assertEquals(0, TwoFactorPolicy.defaults().trustedBrowserDays());
    }

    @Test
    void theTokenIsLongAndRandomAndOnlyItsHashIsStored() throws Exception {
        Enrollment enrollment = enrolled("alice");
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String token = trusted("alice", enrollment);
            assertEquals(TwoFactorService.TRUSTED_BROWSER_TOKEN_LENGTH, token.length());
            assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
            assertTrue(store.findTrustedBrowser(sha256(token)).isPresent(), "stored under its SHA-256");
            assertTrue(store.findTrustedBrowser(token).isEmpty(), "never under the token itself");
            tokens.add(token);
        }
        assertEquals(3, tokens.size());
        for (TrustedBrowser browser : store.trustedBrowsers(AccountKey.of("alice"))) {
            assertFalse(tokens.contains(browser.id()));
            assertEquals(store.find("alice").orElseThrow().generation(), browser.generation());
            assertEquals(START.plusSeconds(30).plus(Duration.ofDays(30)).isBefore(browser.expiresAt()), true);
        }
        assertEquals(3, events.types().stream().filter(t -> t == TwoFactorEvent.Type.BROWSER_TRUSTED).count());
    }

    @Test
    void aTrustedTokenSkipsTheCodeOfItsOwnAccountOnly() throws Exception {
        Enrollment alice = enrolled("alice");
        enrolled("bob");
        String token = trusted("alice", alice);
        assertTrue(service.isTrustedBrowser("alice", token));
        assertFalse(service.isTrustedBrowser("bob", token), "a token works for another account");
        assertFalse(service.isTrustedBrowser("ALICE", token), "another spelling is not the account");
        assertFalse(service.isTrustedBrowser("carol", token), "nor for a user without a second factor");
        assertTrue(events.types().contains(TwoFactorEvent.Type.TRUSTED_BROWSER_USED));
    }

    @Test
    void theTokenEndsWhenItExpiresAndWhenThePolicyShortensItsDays() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String token = trusted("alice", enrollment);
        clock.advance(Duration.ofDays(29));
        assertTrue(service.isTrustedBrowser("alice", token));
        assertFalse(newService(7).isTrustedBrowser("alice", token), "the policy's current days bound an older entry");
        clock.advance(Duration.ofDays(1));
        assertFalse(service.isTrustedBrowser("alice", token), "a token after expiry");
        assertTrue(store.trustedBrowsers(AccountKey.of("alice")).stream().allMatch(b -> !b.isValidAt(clock.instant())));
        assertEquals(List.of(), service.trustedBrowsers("alice"));
    }

    @Test
    void theListShowsOnlyWhatIsStillAcceptedUnderTheCurrentDays() throws Exception {
        Enrollment enrollment = enrolled("alice");
        trusted("alice", enrollment);
        clock.advance(Duration.ofDays(8));
        assertEquals(1, service.trustedBrowsers("alice").size());
        assertEquals(List.of(), newService(7).trustedBrowsers("alice"), "an entry past the policy's current 7 days is not listed");
    }

    /**
     * Turning the feature off and on again revived the old entries (their rows stayed): a service built with the
     * feature off deletes them all, in one statement, and a leftover cookie's entry is deleted where it is seen.
     */
    @Test
    void turningTheFeatureOffDeletesTheEntriesSoTurningItOnRevivesNone() throws Exception {
        Enrollment alice = enrolled("alice");
        Enrollment bob = enrolled("bob");
        String token = trusted("alice", alice);
        trusted("bob", bob);
        assertEquals(2, store.trustedBrowsers(AccountKey.of("alice")).size() + store.trustedBrowsers(AccountKey.of("bob")).size());

        TwoFactorService off = newService(0);
        assertEquals(List.of(), store.trustedBrowsers(AccountKey.of("alice")), "deleted when the feature is off at start-up");
        assertEquals(List.of(), store.trustedBrowsers(AccountKey.of("bob")));
        assertFalse(off.isTrustedBrowser("alice", token));
        assertFalse(newService(30).isTrustedBrowser("alice", token), "turned on again, the old entry is not revived");
    }

    @Test
    void aLeftoverCookieSeenWhileTheFeatureIsOffDeletesItsEntry() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String token = trusted("alice", enrollment);
        String other = trusted("alice", enrollment);
        assertFalse(service.forgetLeftoverTrustedBrowser("alice", token, null), "nothing is deleted while the feature is on");
        TwoFactorService off = TwoFactorService.builder().store(new InMemoryCredentialStore()).keyRing(keyRing)
                .policy(TwoFactorPolicy.builder().build()).clock(clock).listener(events).build();
        assertFalse(off.forgetLeftoverTrustedBrowser("alice", token, null), "another store has no such entry");
        // Entries written by a node that still trusts browsers, seen by this one, which does not.
        TwoFactorService offHere = newService(0);
        String late = trusted("alice", enrollment);
        assertTrue(offHere.forgetLeftoverTrustedBrowser("alice", late, "198.51.100.4"));
        assertTrue(store.findTrustedBrowser(sha256(late)).isEmpty());
        TwoFactorEvent event = events.events().get(events.events().size() - 1);
        assertEquals(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, event.type());
        assertEquals(java.util.Optional.of("198.51.100.4"), event.clientAddress());
        assertFalse(offHere.forgetLeftoverTrustedBrowser("alice", "garbage", null));
        assertTrue(store.findTrustedBrowser(sha256(token)).isEmpty() && store.findTrustedBrowser(sha256(other)).isEmpty(),
                "the start-up of offHere deleted the older ones");
    }

    /** The audit events of trusted browsers carry the client's address, like the code checks' events. */
    @Test
    void trustedBrowserEventsCarryTheClientAddress() throws Exception {
        Enrollment enrollment = enrolled("alice");
        Verification proof = service.verify("alice", code(enrollment, 0), "203.0.113.1");
        String token = service.trustBrowser(proof, "Firefox on Linux", "203.0.113.1");
        assertTrue(service.trustedBrowser("alice", token, "203.0.113.2").isPresent());
        String id = service.trustedBrowsers("alice").get(0).id();
        assertTrue(service.revokeTrustedBrowser("alice", id, null, "203.0.113.3"));
        clock.advance(Duration.ofSeconds(30));
        service.trustBrowser(service.verify("alice", code(enrollment, 0), null), "x", null);
        assertEquals(1, service.revokeTrustedBrowsers("alice", null, "203.0.113.4"));
        Map<TwoFactorEvent.Type, List<String>> addresses = new java.util.EnumMap<>(TwoFactorEvent.Type.class);
        for (TwoFactorEvent event : events.events()) {
            addresses.computeIfAbsent(event.type(), type -> new java.util.ArrayList<>()).add(event.clientAddress().orElse(null));
        }
        assertEquals(java.util.Arrays.asList("203.0.113.1", null), addresses.get(TwoFactorEvent.Type.BROWSER_TRUSTED));
        assertEquals(List.of("203.0.113.2"), addresses.get(TwoFactorEvent.Type.TRUSTED_BROWSER_USED));
        assertEquals(List.of("203.0.113.3", "203.0.113.4"), addresses.get(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED));
    }

    /**
     * A session that a trusted browser let skip the code lives while that browser does: forgetting it (one, not all)
     * ends it at once on the node that forgot it, and within the session refresh on another node sharing the store.
     */
    @Test
    void aForgottenBrowserIsNoLongerCurrentOnAnyNode() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String token = trusted("alice", enrollment);
        String kept = trusted("alice", enrollment);
        TwoFactorService otherNode = newService(30);
        String id = otherNode.trustedBrowser("alice", token, null).orElseThrow().id();
        String keptId = otherNode.trustedBrowser("alice", kept, null).orElseThrow().id();
        assertTrue(service.isTrustedBrowserCurrent("alice", id));
        assertTrue(otherNode.isTrustedBrowserCurrent("alice", id));

        assertTrue(service.revokeTrustedBrowser("alice", id, null, null));
        assertFalse(service.isTrustedBrowserCurrent("alice", id), "at once on this node");
        assertTrue(otherNode.isTrustedBrowserCurrent("alice", id), "from memory on the other node within the refresh");
        clock.advance(TwoFactorPolicy.defaults().sessionRefresh());
        assertFalse(otherNode.isTrustedBrowserCurrent("alice", id), "read again from the store after the refresh");
        assertTrue(otherNode.isTrustedBrowserCurrent("alice", keptId), "the other browser stays");
        assertFalse(otherNode.isTrustedBrowserCurrent("bob", keptId), "nor for another account");
        assertFalse(service.isTrustedBrowserCurrent("alice", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reset", "disable", "re-enroll", "lock", "password change"})
    void everyCredentialChangeEndsTheTrust(String change) throws Exception {
        Enrollment enrollment = enrolled("alice");
        Enrollment bob = enrolled("bob");
        String token = trusted("alice", enrollment);
        String bobs = trusted("bob", bob);
        switch (change) {
            case "reset" -> service.reset("alice", "root");
            case "disable" -> service.disable("alice");
            case "re-enroll" -> {
                Enrollment again = service.startEnrollment("alice");
                assertTrue(service.confirmEnrollment("alice", again.nonce(), code(again, 0), null).isAccepted());
            }
            case "lock" -> {
                String wrong = "000000".equals(code(enrollment, 0)) ? "111111" : "000000";
                for (int i = 0; i < TwoFactorPolicy.defaults().maxFailures(); i++) {
                    service.verify("alice", wrong, null);
                }
            }
            case "password change" -> service.revokeSessions("alice");
            default -> throw new AssertionError(change);
        }
        clock.advance(Duration.ofMinutes(2));
        if (change.equals("reset") || change.equals("disable")) {
            // Enrolled again with the same authenticator app is a new credential: the old browser stays untrusted.
            Enrollment again = service.startEnrollment("alice");
            assertTrue(service.confirmEnrollment("alice", again.nonce(), code(again, 0), null).isAccepted());
        }
        if (change.equals("lock")) {
            service.unlock("alice", "root");
        }
        assertFalse(service.isTrustedBrowser("alice", token), "trust survived " + change);
        assertEquals(List.of(), store.trustedBrowsers(AccountKey.of("alice")), "rows of alice deleted on " + change);
        assertTrue(service.isTrustedBrowser("bob", bobs), "another account keeps its trusted browser");
    }

    @Test
    void aRevocationEndsTheTrustEvenIfTheRowSurvived() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String token = trusted("alice", enrollment);
        TrustedBrowser row = store.findTrustedBrowser(sha256(token)).orElseThrow();
        service.revokeSessions("alice");
        // As if the deletion had failed, or a node had written the row while the revocation ran.
        store.saveTrustedBrowser(row, sha256(token), 20, clock.instant());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(service.isTrustedBrowser("alice", token));
    }

    @Test
    void theUserRevokesOneOrAll() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String first = trusted("alice", enrollment);
        String second = trusted("alice", enrollment);
        String third = trusted("alice", enrollment);
        List<TrustedBrowser> listed = service.trustedBrowsers("alice");
        assertEquals(3, listed.size());
        assertEquals("Firefox on Linux", listed.get(0).label());
        assertFalse(service.revokeTrustedBrowser("bob", listed.get(0).id(), null, null), "bob cannot revoke alice's browser");
        assertFalse(service.revokeTrustedBrowser("alice", "x".repeat(1000), null, null));
        assertTrue(service.revokeTrustedBrowser("alice", listed.get(0).id(), null, null));
        assertFalse(service.isTrustedBrowser("alice", first), "a token whose row was deleted");
        assertTrue(service.isTrustedBrowser("alice", second));
        long before = service.sessionsValidAfter("alice");
        int eventsBefore = events.events().size();
        assertEquals(2, service.revokeTrustedBrowsers("alice", "root", null));
        assertFalse(service.isTrustedBrowser("alice", second));
        assertFalse(service.isTrustedBrowser("alice", third));
        // Forgetting all ends the account's sessions too: one a forgotten (stolen) browser opened must not go on.
        List<TwoFactorEvent> revocation = events.events().subList(eventsBefore, events.events().size());
        assertEquals(List.of(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, TwoFactorEvent.Type.SESSIONS_REVOKED),
                revocation.stream().map(TwoFactorEvent::type).toList());
        assertTrue(revocation.stream().allMatch(event -> event.actor().equals(java.util.Optional.of("root"))), revocation::toString);
        assertFalse(service.isSessionCurrent("alice", before), "the sessions verified before the revocation end");
        assertEquals(0, service.revokeTrustedBrowsers("alice", "root", null));
        assertEquals(TwoFactorEvent.Type.TRUSTED_BROWSERS_REVOKED, events.events().get(events.events().size() - 1).type(),
                "nothing to forget ends no session");
    }

    @Test
    void atMostTwentyBrowsersPerAccountTheOldestEvicted() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String oldest = trusted("alice", enrollment);
        for (int i = 0; i < TwoFactorPolicy.MAX_TRUSTED_BROWSERS_PER_ACCOUNT; i++) {
            trusted("alice", enrollment);
        }
        assertEquals(TwoFactorPolicy.MAX_TRUSTED_BROWSERS_PER_ACCOUNT, service.trustedBrowsers("alice").size());
        assertFalse(service.isTrustedBrowser("alice", oldest));
    }

    @Test
    void garbageTokensAreSimplyNotTrusted() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String token = trusted("alice", enrollment);
        String tampered = (token.charAt(0) == 'A' ? 'B' : 'A') + token.substring(1);
        for (String garbage : new String[] {null, "", "x", token + "A", token.substring(1), tampered, "%".repeat(43),
                token.substring(0, 42) + "=", "a".repeat(1_000_000), sha256(token)}) {
            assertFalse(service.isTrustedBrowser("alice", garbage));
        }
        assertFalse(service.isTrustedBrowser(null, token));
        assertFalse(service.isTrustedBrowser("", token));
    }

    @Test
    void onlyAFreshAcceptedProofTrustsABrowser() throws Exception {
        Enrollment enrollment = enrolled("alice");
        String wrong = "000000".equals(code(enrollment, 0)) ? "111111" : "000000";
        Verification refused = service.verify("alice", wrong, null);
        assertThrows(IllegalArgumentException.class, () -> service.trustBrowser(refused, "x", null));
        Verification proof = service.verify("alice", code(enrollment, 0), null);
        clock.advance(Duration.ofMinutes(2));
        assertThrows(IllegalArgumentException.class, () -> service.trustBrowser(proof, "x", null), "a proof of an earlier login");
        clock.advance(Duration.ofSeconds(30));
        Verification fresh = service.verify("alice", code(enrollment, 0), null);
        service.revokeSessions("alice");
        assertThrows(IllegalStateException.class, () -> service.trustBrowser(fresh, "x", null), "a code from before a password change");
    }

    @Test
    void labelsAreCleanedAndBounded() throws Exception {
        Enrollment enrollment = enrolled("alice");
        service.trustBrowser(service.verify("alice", code(enrollment, 0), null), "  Evil\r\nLine\u0000 " + "x".repeat(500), null);
        String label = service.trustedBrowsers("alice").get(0).label();
        assertEquals(TrustedBrowser.MAX_LABEL_LENGTH, label.length());
        assertTrue(label.startsWith("EvilLine x"), label);
        clock.advance(Duration.ofSeconds(30));
        service.trustBrowser(service.verify("alice", code(enrollment, 0), null), "\n\t", null);
        assertEquals("Browser", service.trustedBrowsers("alice").get(1).label());
    }

    @Test
    void theSettingTurnsItOnForAtMostNinetyDays() {
        assertEquals(30, SettingsFactory.policy(Settings.of(Map.of(TotpGuardSettings.TRUSTED_BROWSER_DAYS, "30"), "setting"))
                .trustedBrowserDays());
        assertEquals(0, SettingsFactory.policy(Settings.of(Map.of(), "setting")).trustedBrowserDays());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> SettingsFactory.policy(Settings.of(Map.of(TotpGuardSettings.TRUSTED_BROWSER_DAYS, "91"), "setting")));
        assertTrue(tooLong.getMessage().contains(TotpGuardSettings.TRUSTED_BROWSER_DAYS), tooLong.getMessage());
        assertNotEquals(TwoFactorPolicy.builder().trustedBrowserDays(30).build(), TwoFactorPolicy.defaults());
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().trustedBrowserDays(-1));
    }
}
