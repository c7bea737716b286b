package dev.totpguard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Pbkdf2FormatTest {

    /** Limits like the password hashes': 1000..10M iterations, 16+ byte salt, exactly 32-byte hash. */
    private static final Pbkdf2Format STRICT = Pbkdf2Format.builder().iterations(1_000, 10_000_000).build();
    /** Limits like the recovery codes': 1000..1M iterations, 8+ byte salt, 16..64-byte hash. */
    private static final Pbkdf2Format WIDE = Pbkdf2Format.builder().iterations(1_000, 1_000_000)
            .minSaltBytes(8).hashBytes(16, 64).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SALT_16 = b64("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final String HASH_32 = b64(new byte[32]);

    @Test
    void writtenHashIsSelfDescribingUnpaddedAndMatchesOnlyItsSecret() {
        String encoded = STRICT.hash("correct horse".toCharArray(), 1_000, RANDOM);

        assertTrue(encoded.matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), encoded);
        Pbkdf2Format.StoredHash stored = STRICT.parse(encoded, "test hash");
        assertEquals(1_000, stored.iterations());
        assertTrue(stored.matches("correct horse".toCharArray()));
        assertFalse(stored.matches("correct horsE".toCharArray()));
        assertFalse(stored.matches("correct horse ".toCharArray()));
        assertFalse(stored.matches(new char[0]));
    }

    @Test
    void eachHashGetsAFreshSalt() {
        char[] secret = "same".toCharArray();
        assertNotEquals(STRICT.hash(secret, 1_000, RANDOM), STRICT.hash(secret, 1_000, RANDOM));
    }

    @Test
    void nonAsciiSecretsRoundTrip() {
        char[] secret = "pässwörd-日本-\uD83D\uDD11".toCharArray();
        assertTrue(STRICT.parse(STRICT.hash(secret, 1_000, RANDOM), "h").matches(secret));
    }

    @Test
    void paddedAndUnpaddedBase64AreBothRead() {
        String unpadded = STRICT.hash("pw".toCharArray(), 1_000, RANDOM);
        String[] parts = unpadded.split("\\$");
        // 16 and 32 bytes are not multiples of 3: the padded forms end in "==" and "=".
        String padded = parts[0] + '$' + parts[1] + '$' + parts[2] + "==$" + parts[3] + '=';
        assertEquals(padded, parts[0] + '$' + parts[1] + '$'
                + Base64.getEncoder().encodeToString(Base64.getDecoder().decode(parts[2])) + '$'
                + Base64.getEncoder().encodeToString(Base64.getDecoder().decode(parts[3])));

        assertTrue(STRICT.parse(unpadded, "h").matches("pw".toCharArray()));
        assertTrue(STRICT.parse(padded, "h").matches("pw".toCharArray()));
        assertFalse(STRICT.parse(padded, "h").matches("pW".toCharArray()));
    }

    /** RFC 7914 section 11, both PBKDF2-HMAC-SHA256 vectors (64-byte output, so two PBKDF2 blocks). */
    static Stream<Arguments> rfc7914Vectors() {
        return Stream.of(
                Arguments.of("passwd", "salt", 1, "55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05"
                        + " f9 41 85 21 6d de 04 65 e6 8b 9d 57 c2 0d ac bc"
                        + " 49 ca 9c cc f1 79 b6 45 99 16 64 b3 9d 77 ef 31"
                        + " 7c 71 b8 45 b1 e3 0b d5 09 11 20 41 d3 a1 97 83"),
                Arguments.of("Password", "NaCl", 80_000, "4d dc d8 f6 0b 98 be 21 83 0c ee 5e f2 27 01 f9"
                        + " 64 1a 44 18 d0 4c 04 14 ae ff 08 87 6b 34 ab 56"
                        + " a1 d4 25 a1 22 58 33 54 9a db 84 1b 51 c9 b3 17"
                        + " 6a 27 2b de bb a1 d0 78 47 8f 62 b3 97 f3 3c 8d"));
    }

    @ParameterizedTest
    @MethodSource("rfc7914Vectors")
    void knownAnswerVectorsOfRfc7914Verify(String password, String salt, int iterations, String hex) {
        // The RFC's 4-byte salts and single iteration are below every production limit: a format for the test.
        Pbkdf2Format vectors = Pbkdf2Format.builder().iterations(1, 100_000).minSaltBytes(4).hashBytes(16, 64).build();
        byte[] expected = HexFormat.of().parseHex(hex.replace(" ", ""));
        String encoded = "pbkdf2-sha256$" + iterations + '$' + b64(salt.getBytes(StandardCharsets.US_ASCII)) + '$' + b64(expected);

        Pbkdf2Format.StoredHash stored = vectors.parse(encoded, "RFC 7914 vector");

        assertTrue(stored.matches(password.toCharArray()));
        expected[expected.length - 1] ^= 1;
        String lastBitFlipped = "pbkdf2-sha256$" + iterations + '$' + b64(salt.getBytes(StandardCharsets.US_ASCII)) + '$' + b64(expected);
        assertFalse(vectors.parse(lastBitFlipped, "RFC 7914 vector").matches(password.toCharArray()));
    }

    static Stream<Arguments> malformedValues() {
        return Stream.of(
                Arguments.of(null, "missing"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + '$' + HASH_32 + "A".repeat(200), "longer than 256 characters"),
                Arguments.of("", "not of the form pbkdf2-sha256$ITERATIONS$SALT$HASH"),
                Arguments.of("correct horse battery staple", "not of the form pbkdf2-sha256$ITERATIONS$SALT$HASH"),
                Arguments.of("pbkdf2-sha1$1000$" + SALT_16 + '$' + HASH_32, "not of the form"),
                Arguments.of("PBKDF2-SHA256$1000$" + SALT_16 + '$' + HASH_32, "not of the form"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16, "not of the form"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + '$' + HASH_32 + "$extra", "not of the form"),
                Arguments.of(" pbkdf2-sha256$1000$" + SALT_16 + '$' + HASH_32, "not of the form"),
                Arguments.of("pbkdf2-sha256$$" + SALT_16 + '$' + HASH_32, "iteration count is empty"),
                Arguments.of("pbkdf2-sha256$+1000$" + SALT_16 + '$' + HASH_32, "iteration count is not a decimal number"),
                Arguments.of("pbkdf2-sha256$-1000$" + SALT_16 + '$' + HASH_32, "iteration count is not a decimal number"),
                Arguments.of("pbkdf2-sha256$1e3$" + SALT_16 + '$' + HASH_32, "iteration count is not a decimal number"),
                Arguments.of("pbkdf2-sha256$١٠٠٠$" + SALT_16 + '$' + HASH_32, "iteration count is not a decimal number"),
                Arguments.of("pbkdf2-sha256$999$" + SALT_16 + '$' + HASH_32, "iteration count must be from 1000 to 10000000"),
                Arguments.of("pbkdf2-sha256$10000001$" + SALT_16 + '$' + HASH_32, "iteration count must be from 1000 to 10000000"),
                Arguments.of("pbkdf2-sha256$4294968296$" + SALT_16 + '$' + HASH_32, "iteration count must be from"),
                Arguments.of("pbkdf2-sha256$99999999999999999999$" + SALT_16 + '$' + HASH_32, "iteration count must be from"),
                Arguments.of("pbkdf2-sha256$1000$%%%%$" + HASH_32, "salt is not Base64"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + "=$" + HASH_32, "salt is not Base64"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + "$!!", "hash is not Base64"),
                Arguments.of("pbkdf2-sha256$1000$$" + HASH_32, "salt must have at least 16 bytes"),
                Arguments.of("pbkdf2-sha256$1000$" + b64(new byte[15]) + '$' + HASH_32, "salt must have at least 16 bytes"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + '$' + b64(new byte[31]), "hash must have 32 bytes"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + '$' + b64(new byte[33]), "hash must have 32 bytes"),
                Arguments.of("pbkdf2-sha256$1000$" + SALT_16 + '$', "hash must have 32 bytes"));
    }

    @ParameterizedTest
    @MethodSource("malformedValues")
    void eachMalformedFieldIsNamedWithoutRepeatingTheValue(String encoded, String problem) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> STRICT.parse(encoded, "Test hash #7"));

        assertTrue(refused.getMessage().startsWith("Test hash #7: "), refused.getMessage());
        assertTrue(refused.getMessage().contains(problem), refused.getMessage());
        assertFalse(STRICT.isWellFormed(encoded));
        if (encoded != null && !encoded.isEmpty()) {
            assertFalse(refused.getMessage().contains(encoded), refused.getMessage());
            String[] fields = encoded.split("\\$");
            // Salt and hash never reach the message (the scheme and iteration count are not secret).
            for (int i = 2; i < fields.length; i++) {
                if (fields[i].length() > 3) {
                    assertFalse(refused.getMessage().contains(fields[i]), refused.getMessage());
                }
            }
        }
    }

    @Test
    void iterationLimitsAreInclusiveOnBothEnds() {
        assertEquals(1_000, STRICT.parse("pbkdf2-sha256$1000$" + SALT_16 + '$' + HASH_32, "h").iterations());
        assertEquals(10_000_000, STRICT.parse("pbkdf2-sha256$10000000$" + SALT_16 + '$' + HASH_32, "h").iterations());
        assertEquals(1_000, STRICT.parse("pbkdf2-sha256$0001000$" + SALT_16 + '$' + HASH_32, "h").iterations(),
                "leading zeros are still decimal");
        assertFalse(WIDE.isWellFormed("pbkdf2-sha256$1000001$" + SALT_16 + '$' + HASH_32));
        assertTrue(WIDE.isWellFormed("pbkdf2-sha256$1000000$" + SALT_16 + '$' + HASH_32));
    }

    @Test
    void requireIterationsGuardsNewHashesWithTheSameRange() {
        assertEquals(1_000, WIDE.requireIterations(1_000));
        assertEquals(1_000_000, WIDE.requireIterations(1_000_000));
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> WIDE.requireIterations(999));
        assertEquals("PBKDF2 iterations must be from 1000 to 1000000, not 999", low.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WIDE.requireIterations(1_000_001));
        assertThrows(IllegalArgumentException.class, () -> STRICT.hash("pw".toCharArray(), 999, RANDOM));
        assertThrows(IllegalArgumentException.class, () -> STRICT.hash("pw".toCharArray(), 10_000_001, RANDOM));
    }

    @Test
    void saltAndHashLengthLimitsArePerFormat() {
        String shortSaltShortHash = "pbkdf2-sha256$1000$" + b64(new byte[8]) + '$' + b64(new byte[16]);
        String longHash = "pbkdf2-sha256$1000$" + SALT_16 + '$' + b64(new byte[64]);

        assertTrue(WIDE.isWellFormed(shortSaltShortHash));
        assertTrue(WIDE.isWellFormed(longHash));
        assertFalse(WIDE.isWellFormed("pbkdf2-sha256$1000$" + b64(new byte[7]) + '$' + HASH_32));
        assertFalse(WIDE.isWellFormed("pbkdf2-sha256$1000$" + SALT_16 + '$' + b64(new byte[15])));
        assertFalse(WIDE.isWellFormed("pbkdf2-sha256$1000$" + SALT_16 + '$' + b64(new byte[65])));
        assertFalse(STRICT.isWellFormed(shortSaltShortHash));
        assertFalse(STRICT.isWellFormed(longHash));
        assertTrue(STRICT.isWellFormed("pbkdf2-sha256$1000$" + b64(new byte[48]) + '$' + HASH_32), "longer salts are fine");
    }

    @Test
    void aShorterStoredHashIsVerifiedAtItsOwnLength() {
        // 16 bytes of PBKDF2 output are the first 16 of the 32 that hash() writes (same first block).
        String full = WIDE.hash("pw".toCharArray(), 1_000, RANDOM);
        String[] parts = full.split("\\$");
        byte[] prefix = Arrays.copyOf(Base64.getDecoder().decode(parts[3]), 16);
        String truncated = parts[0] + '$' + parts[1] + '$' + parts[2] + '$' + b64(prefix);

        assertTrue(WIDE.parse(truncated, "h").matches("pw".toCharArray()));
        assertFalse(WIDE.parse(truncated, "h").matches("pw2".toCharArray()));
    }

    @Test
    void surroundingWhitespaceIsReadOnlyWhenTheFormatSaysSo() {
        Pbkdf2Format lenient = Pbkdf2Format.builder().iterations(1_000, 10_000).trimWhitespace().build();
        String encoded = lenient.hash("pw".toCharArray(), 1_000, RANDOM);
        String padded = " \t" + encoded + "   \n";

        assertTrue(lenient.parse(padded, "h").matches("pw".toCharArray()));
        assertFalse(STRICT.isWellFormed(padded));
        assertFalse(lenient.isWellFormed(" ".repeat(300) + encoded), "the length is checked before trimming");
    }

    @Test
    void builderRefusesLimitsThatCouldNotReadWhatTheFormatWrites() {
        assertThrows(IllegalStateException.class, () -> Pbkdf2Format.builder().build(), "iteration range is required");
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().iterations(0, 10));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().iterations(2_000, 1_999));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().minSaltBytes(0));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().minSaltBytes(17));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().hashBytes(33, 64));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().hashBytes(16, 31));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().hashBytes(16, 65));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().hashBytes(0, 32));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Format.builder().maxEncodedLength(0));
        // "pbkdf2-sha256$10000000$" + 22 + "$" + 43 characters = 89.
        assertThrows(IllegalStateException.class, () -> Pbkdf2Format.builder().iterations(1_000, 10_000_000).maxEncodedLength(88).build());
        Pbkdf2Format tight = Pbkdf2Format.builder().iterations(1_000, 10_000_000).maxEncodedLength(89).build();
        assertTrue(tight.isWellFormed("pbkdf2-sha256$10000000$" + SALT_16 + '$' + HASH_32));
    }

    @Test
    void toStringsShowLimitsAndCountOnly() {
        String encoded = STRICT.hash("pw".toCharArray(), 1_000, RANDOM);
        String[] parts = encoded.split("\\$");

        String stored = STRICT.parse(encoded, "h").toString();
        assertEquals("StoredHash[pbkdf2-sha256 x 1000]", stored);
        assertFalse(stored.contains(parts[2]) || stored.contains(parts[3]));
        assertEquals("Pbkdf2Format[1000..10000000 iterations, salt 16+ bytes, hash 32..32 bytes]", STRICT.toString());
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }
}
