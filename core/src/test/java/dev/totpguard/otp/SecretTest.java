package dev.totpguard.otp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretTest {

    private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void generatedSecretHas160Bits() {
        Secret secret = Secret.generate();

        assertEquals(20, secret.length());
        assertEquals(20, secret.bytes().length);
        assertEquals(32, secret.toBase32().length());
    }

    @Test
    void generatedSecretsAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(HexFormat.of().formatHex(Secret.generate().bytes())), "repeated secret");
        }
    }

    @Test
    void generateTakesTheGivenRandomAndLength() {
        assertEquals(16, Secret.generate(new SecureRandom(), 16).length());
        assertEquals(64, Secret.generate(new SecureRandom(), 64).length());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10, 15})
    void fewerThan128BitsAreRefused(int length) {
        IllegalArgumentException generated = assertThrows(IllegalArgumentException.class, () -> Secret.generate(new SecureRandom(), length));
        assertTrue(generated.getMessage().contains("128 bits"), generated.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Secret.of(new byte[length]));
    }

    @Test
    void moreThanTheMaximumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Secret.generate(new SecureRandom(), Secret.MAX_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> Secret.of(new byte[Secret.MAX_BYTES + 1]));
    }

    @Test
    void base32UsesTheStandardAlphabetWithoutPadding() {
        assertEquals(RFC_SEED_BASE32, Secret.of(RFC_SEED).toBase32());
        // 16 bytes need padding in Base32; the otpauth form leaves it out.
        Secret sixteen = Secret.of("1234567890123456".getBytes(StandardCharsets.US_ASCII));
        assertFalse(sixteen.toBase32().contains("="), sixteen.toBase32());
        assertEquals(sixteen, Secret.fromBase32(sixteen.toBase32()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
        "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
        "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
        "  GEZDGNBV\tGY3TQOJQ GEZDGNBVGY3TQOJQ ",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ========",
    })
    void typedKeysAreParsedLeniently(String typed) {
        assertArrayEquals(RFC_SEED, Secret.fromBase32(typed).bytes());
    }

    @Test
    void missingPaddingIsAccepted() {
        Secret sixteen = Secret.of("1234567890123456".getBytes(StandardCharsets.US_ASCII));
        String padded = "GEZDGNBVGY3TQOJQGEZDGNBVGY======";
        assertEquals(sixteen, Secret.fromBase32(padded));
        assertEquals(sixteen, Secret.fromBase32(padded.replace("=", "")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ0",
        "GEZDGNBVGY3TQOJQ=GEZDGNBVGY3TQOJQ",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQG",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQO",
        "JBSWY3DPEHPK3PXP",
        "ＧＥＺＤGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "",
    })
    void malformedOrShortKeysAreRefusedWithoutRepeatingThem(String typed) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Secret.fromBase32(typed));

        assertFalse(!typed.isEmpty() && refused.getMessage().contains(typed), refused.getMessage());
        assertFalse(refused.getMessage().contains("GEZDGNBV"), refused.getMessage());
    }

    @Test
    void hugeInputIsRefusedCheaply() {
        assertThrows(IllegalArgumentException.class, () -> Secret.fromBase32("A".repeat(10 * 1024 * 1024)));
    }

    @Test
    void groupedDisplayIsFourCharactersPerGroup() {
        assertEquals("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", Secret.of(RFC_SEED).toGroupedBase32());
        Secret sixteen = Secret.of("1234567890123456".getBytes(StandardCharsets.US_ASCII));
        assertEquals("GEZD GNBV GY3T QOJQ GEZD GNBV GY", sixteen.toGroupedBase32());
        assertEquals(sixteen, Secret.fromBase32(sixteen.toGroupedBase32()));
    }

    @Test
    void toStringHidesTheBytes() {
        Secret secret = Secret.of(RFC_SEED);

        assertEquals("Secret[160 bits]", secret.toString());
        assertFalse(secret.toString().contains("GEZD"));
    }

    @Test
    void bytesAreACopy() {
        Secret secret = Secret.of(RFC_SEED);
        byte[] copy = secret.bytes();
        copy[0] ^= 1;

        assertArrayEquals(RFC_SEED, secret.bytes());
    }

    @Test
    void ofCopiesTheCallersArray() {
        byte[] callers = RFC_SEED.clone();
        Secret secret = Secret.of(callers);
        callers[0] ^= 1;

        assertArrayEquals(RFC_SEED, secret.bytes());
    }

    @Test
    void destroyClearsTheSecretForGood() {
        Secret secret = Secret.of(RFC_SEED);

        secret.destroy();

        assertTrue(secret.isDestroyed());
        assertThrows(IllegalStateException.class, secret::bytes);
        assertThrows(IllegalStateException.class, secret::toBase32);
        assertThrows(IllegalStateException.class, secret::toGroupedBase32);
        assertEquals("Secret[160 bits]", secret.toString());
    }

    @Test
    void equalityComparesTheBytes() {
        assertEquals(Secret.of(RFC_SEED), Secret.fromBase32(RFC_SEED_BASE32));
        assertEquals(Secret.of(RFC_SEED).hashCode(), Secret.fromBase32(RFC_SEED_BASE32).hashCode());
        assertNotEquals(Secret.of(RFC_SEED), Secret.generate());
    }
}
