package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

    private static final PasswordHash FAST = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();

    @Test
    void defaultIterationCountIsOwaspsFigureForPbkdf2Sha256() {
        assertEquals(600_000, PasswordHash.OWASP_ITERATIONS);
        assertEquals(600_000, PasswordHash.builder().build().iterations());
    }

    @Test
    void hashIsSelfDescribingAndMatchesOnlyItsPassword() {
        String hash = FAST.hash("correct horse".toCharArray());
        String[] parts = hash.split("\\$");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("1000", parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
        assertTrue(FAST.matches("correct horse".toCharArray(), hash));
        assertFalse(FAST.matches("correct horsE".toCharArray(), hash));
        assertFalse(FAST.matches("correct horse ".toCharArray(), hash));
    }

    @Test
    void newHashesAreWrittenWithoutBase64Padding() {
        assertTrue(FAST.hash("pw".toCharArray()).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"));
    }

    @Test
    void hashesWrittenWithPaddingByEarlierReleasesStillVerify() {
        // PBKDF2-HMAC-SHA256("correct horse", bytes 0..15, 1000, 32) with padded Base64, computed outside Java.
        String earlier = "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$yRTMTwbMbo9G0VfjobWqerzuuxe7BETNTErBbKKumGQ=";

        assertTrue(PasswordHash.isWellFormed(earlier));
        assertTrue(FAST.matches("correct horse".toCharArray(), earlier));
        assertTrue(FAST.matches("correct horse".toCharArray(), " " + earlier + " "), "surrounding white space is ignored");
        assertTrue(FAST.matches("correct horse".toCharArray(), earlier.replace("=", "")), "and so is the padding");
        assertFalse(FAST.matches("correct horsE".toCharArray(), earlier));
    }

    @Test
    void samePasswordGetsADifferentSaltEachTime() {
        assertNotEquals(FAST.hash("pw".toCharArray()), FAST.hash("pw".toCharArray()));
    }

    @Test
    void verificationUsesTheCountStoredInTheHashNotTheConfiguredOne() {
        String hash = PasswordHash.builder().iterations(2_000).build().hash("pw".toCharArray());
        assertTrue(FAST.matches("pw".toCharArray(), hash));
    }

    @Test
    void nonAsciiPasswordsRoundTrip() {
        char[] password = "pässwörd-日本-\uD83D\uDD11".toCharArray();
        assertTrue(FAST.matches(password, FAST.hash(password)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "x"})
    void emptyOrMissingPasswordNeverMatches(String typed) {
        String hash = FAST.hash("x".toCharArray());
        char[] password = typed == null ? null : typed.isEmpty() ? new char[0] : null;
        assertFalse(FAST.matches(password, hash));
    }

    @Test
    void oversizedPasswordIsRefusedNotHashedForever() {
        char[] huge = new char[PasswordHash.MAX_PASSWORD_CHARS + 1];
        java.util.Arrays.fill(huge, 'a');
        String hash = FAST.hash("a".toCharArray());
        assertFalse(FAST.matches(huge, hash));
        assertThrows(IllegalArgumentException.class, () -> FAST.hash(huge));
    }

    @Test
    void dummyCheckNeverMatches() {
        assertFalse(FAST.matchesDummy("totpguard-dummy-password".toCharArray()));
        assertFalse(FAST.matchesDummy(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret", "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==", "pbkdf2-sha1$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$1000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", "pbkdf2-sha256$1000$!!$??"})
    void malformedHashesAreRefusedWithoutEchoingThem(String encoded) {
        assertFalse(PasswordHash.isWellFormed(encoded));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FAST.matches("pw".toCharArray(), encoded));
        assertFalse(e.getMessage().contains(encoded));
    }

    @Test
    void iterationCountOutsideTheBoundsIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.builder().iterations(999));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.builder().iterations(10_000_001));
    }
}
