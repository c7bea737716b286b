package dev.totpguard.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HotpTest {

    private static final byte[] RFC_4226_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    /** RFC 4226 Appendix D, copied verbatim (through ../shared/security-requirements.md section 2). */
    private static final String APPENDIX_D = """
               Secret = 0x3132333435363738393031323334353637383930

               Count    Hexadecimal HMAC-SHA-1(secret, count)
               0        cc93cf18508d94934c64b65d8ba7667fb7cde4b0
               1        75a48a19d4cbe100644e8ac1397eea747a2d33ab
               2        0bacb7fa082fef30782211938bc1c5e70416ff44
               3        66c28227d03a2d5529262ff016a1e6ef76557ece
               4        a904c900a64b35909874b33e61c5938a8e15ed1c
               5        a37e783d7b7233c083d4f62926c7a25f238d0316
               6        bc9cd28561042c83f219324d3c607256c03272ae
               7        a4fb960c0bc06e1eabb804e5b397cdc4b45596fa
               8        1b3c89f65e6c9e883012052823443f048b4332db
               9        1637409809a679dc698207310c8c7fc07290d9e5

                                 Truncated
               Count    Hexadecimal    Decimal        HOTP
               0        4c93cf18       1284755224     755224
               1        41397eea       1094287082     287082
               2         82fef30        137359152     359152
               3        66ef7655       1726969429     969429
               4        61c5938a       1640338314     338314
               5        33c083d4        868254676     254676
               6        7256c032       1918287922     287922
               7         4e5b397         82162583     162583
               8        2823443f        673399871     399871
               9        2679dc69        645520489     520489
            """;

    /** One row per counter: both Appendix D tables joined. */
    static Stream<Arguments> appendixD() {
        Map<Long, String> hmacs = new TreeMap<>();
        Map<Long, String[]> truncated = new TreeMap<>();
        for (String line : APPENDIX_D.lines().map(String::trim).collect(Collectors.toList())) {
            String[] columns = line.split("\\s+");
            if (columns.length == 2 && columns[0].matches("\\d")) {
                hmacs.put(Long.parseLong(columns[0]), columns[1]);
            } else if (columns.length == 4 && columns[0].matches("\\d")) {
                truncated.put(Long.parseLong(columns[0]), columns);
            }
        }
        assertEquals(10, hmacs.size(), "Appendix D lists 10 HMAC values");
        assertEquals(10, truncated.size(), "Appendix D lists 10 HOTP values");
        return hmacs.entrySet().stream().map(row -> {
            String[] t = truncated.get(row.getKey());
            return Arguments.of(row.getKey(), row.getValue(), t[1], Integer.parseInt(t[2]), t[3]);
        });
    }

    @ParameterizedTest(name = "counter {0} -> {4}")
    @MethodSource("appendixD")
    void rfc4226AppendixDSixDigitValues(long counter, String hmacHex, String truncatedHex, int decimal, String hotp) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(RFC_4226_SECRET, "HmacSHA1"));
        assertEquals(hmacHex, HexFormat.of().formatHex(mac.doFinal(longBytes(counter))), "the table's HMAC for this secret");
        assertEquals(decimal, Integer.parseInt(truncatedHex, 16), "the table's truncated value");

        Hotp sixDigits = new Hotp(HmacAlgorithm.SHA1, 6);

        assertEquals(hotp, sixDigits.generateString(RFC_4226_SECRET, counter));
        assertEquals(Integer.parseInt(hotp), sixDigits.generate(RFC_4226_SECRET, counter));
    }

    @ParameterizedTest(name = "counter {0}: 7 and 8 digits of {3}")
    @MethodSource("appendixD")
    void sevenAndEightDigitValuesAreTheLowDigitsOfTheTruncatedValue(long counter, String hmacHex, String truncatedHex, int decimal, String hotp) {
        assertEquals(String.format("%08d", decimal % 100_000_000), new Hotp(HmacAlgorithm.SHA1, 8).generateString(RFC_4226_SECRET, counter));
        assertEquals(String.format("%07d", decimal % 10_000_000), new Hotp(HmacAlgorithm.SHA1, 7).generateString(RFC_4226_SECRET, counter));
    }

    static Stream<Arguments> libpamHotp() {
        return Stream.of(Arguments.of(1L, "293240"), Arguments.of(5L, "932068"));
    }

    /** google-authenticator-libpam's unit test key: 80 bits, so raw bytes (Secret refuses under 128). */
    @ParameterizedTest(name = "counter {0} -> {1}")
    @MethodSource("libpamHotp")
    void libpamHotpVectors(long counter, String expected) {
        byte[] key = new Base32().decode("2SH3V3GDW7ZNMGYE");
        assertEquals(10, key.length);

        assertEquals(expected, new Hotp(HmacAlgorithm.SHA1, 6).generateString(key, counter));
    }

    @Test
    void leadingZerosAreKept() {
        Hotp hotp = new Hotp(HmacAlgorithm.SHA1, 6);

        assertEquals("081804", hotp.format(81804));
        assertEquals("000000", hotp.format(0));
        assertEquals("00000042", new Hotp(HmacAlgorithm.SHA1, 8).format(42));
        assertThrows(IllegalArgumentException.class, () -> hotp.format(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> hotp.format(-1));
    }

    @Test
    void counterUsesAllSixtyFourBits() {
        Hotp hotp = new Hotp(HmacAlgorithm.SHA1, 8);

        // A counter truncated to 32 bits would give the same code for 1 and 2^32 + 1.
        assertNotEquals(hotp.generateString(RFC_4226_SECRET, 1L), hotp.generateString(RFC_4226_SECRET, (1L << 32) + 1));
        assertNotEquals(hotp.generateString(RFC_4226_SECRET, 1L), hotp.generateString(RFC_4226_SECRET, (1L << 56) + 1));
    }

    @Test
    void digitsOutsideSixToEightAreRefused() {
        for (int digits : List.of(0, 5, 9, 10)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new Hotp(HmacAlgorithm.SHA1, digits));
            assertEquals("digits must be 6, 7 or 8, not " + digits, refused.getMessage());
        }
    }

    @Test
    void emptyKeyIsRefused() {
        Hotp hotp = new Hotp(HmacAlgorithm.SHA256, 6);

        assertThrows(IllegalArgumentException.class, () -> hotp.generate(new byte[0], 1));
        assertThrows(NullPointerException.class, () -> hotp.generate(null, 1));
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }
}
