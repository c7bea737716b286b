package dev.totpguard.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecoveryCodesTest {

    /** The cheapest allowed KDF keeps this suite fast; one test below uses the default. */
    private static final RecoveryCodes CODES = RecoveryCodes.builder().iterations(RecoveryCodes.MIN_ITERATIONS).build();
    private static final Pattern DISPLAY_FORM = Pattern.compile("[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}");

    @Test
    void generatesTenCodesInTheDisplayedFormByDefault() {
        List<String> codes = RecoveryCodes.builder().build().generate();

        assertEquals(RecoveryCodes.DEFAULT_COUNT, codes.size());
        for (String code : codes) {
            assertTrue(DISPLAY_FORM.matcher(code).matches(), code);
        }
        assertEquals(codes.size(), new HashSet<>(codes).size(), "codes in a set are distinct");
        assertThrows(UnsupportedOperationException.class, () -> codes.add("abcde-fghjk"));
    }

    @Test
    void countIsConfigurable() {
        assertEquals(16, RecoveryCodes.builder().count(16).build().generate().size());
        assertEquals(1, RecoveryCodes.builder().count(1).build().generate().size());
    }

    @Test
    void alphabetHas32SymbolsAndNoLookAlikes() {
        String alphabet = RecoveryCodes.ALPHABET;

        assertEquals(32, alphabet.length(), "5 bits per symbol, 50 bits per code");
        assertEquals(32, alphabet.chars().distinct().count());
        for (char lookAlike : new char[] {'o', 'i', 'l', 'u'}) {
            assertEquals(-1, alphabet.indexOf(lookAlike), "alphabet contains look-alike " + lookAlike);
        }
        assertEquals(RecoveryCodes.CODE_LENGTH * 5, 50);
    }

    @Test
    void everySymbolOfTheAlphabetIsUsed() {
        RecoveryCodes large = RecoveryCodes.builder().count(RecoveryCodes.MAX_COUNT).build();
        Set<Character> seen = new HashSet<>();
        // 4 x 50 codes = 2000 symbols: a uniform source misses one of 32 symbols with probability ~32 e^-63.
        for (int set = 0; set < 4; set++) {
            for (String code : large.generate()) {
                code.replace("-", "").chars().forEach(c -> seen.add((char) c));
            }
        }
        assertEquals(32, seen.size());
    }

    @Test
    void codesDoNotRepeatAcrossSets() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            all.addAll(CODES.generate());
        }
        assertEquals(1000, all.size());
    }

    @Test
    void hashIsSaltedSelfDescribingAndHoldsNoCode() {
        String code = CODES.generate().get(0);

        String first = CODES.hash(code);
        String second = CODES.hash(code);

        assertTrue(first.matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), first);
        assertNotEquals(first, second, "a fresh salt per hash");
        assertFalse(first.contains(code.replace("-", "")));
        assertFalse(first.contains(code));
    }

    @Test
    void defaultIterationCountIsWrittenIntoTheHash() {
        RecoveryCodes defaults = RecoveryCodes.builder().build();
        String code = defaults.generate().get(0);

        String hash = defaults.hash(code);

        assertTrue(hash.startsWith("pbkdf2-sha256$" + RecoveryCodes.DEFAULT_ITERATIONS + "$"), hash);
        assertEquals(0, defaults.match(code, List.of(hash)));
    }

    @Test
    void matchReportsTheIndexOfEachCode() {
        List<String> codes = CODES.generate();
        List<String> hashes = hashAll(codes);

        for (int i = 0; i < codes.size(); i++) {
            assertEquals(i, CODES.match(codes.get(i), hashes), "code " + i);
        }
    }

    @Test
    void consumedCodeNoLongerMatches() {
        List<String> codes = CODES.generate();
        List<String> hashes = new ArrayList<>(hashAll(codes));

        int used = CODES.match(codes.get(3), hashes);
        hashes.remove(used);

        assertEquals(-1, CODES.match(codes.get(3), hashes));
        assertEquals(3, CODES.match(codes.get(4), hashes), "the others still work");
    }

    @Test
    void wrongCodeDoesNotMatch() {
        List<String> hashes = hashAll(CODES.generate());

        assertEquals(-1, CODES.match("abcde-fghjk", hashes));
        assertEquals(-1, CODES.match("abcde-fghjk", List.of()));
    }

    @Test
    void typedCodeIgnoresCaseSpacesAndDashes() {
        String code = "7k2mx-9q4rt";
        List<String> hashes = List.of(CODES.hash("aaaaa-bbbbb"), CODES.hash(code));

        for (String typed : List.of("7k2mx-9q4rt", "7K2MX-9Q4RT", "7k2mx9q4rt", "7k2mx 9q4rt", " 7K2M X9Q4 RT ", "7-k-2-m-x-9-q-4-r-t", "\t7k2mx\t9q4rt")) {
            assertEquals(1, CODES.match(typed, hashes), typed);
        }
    }

    @Test
    void lookAlikeLettersAreReadAsTheDigitsTheyResemble() {
        List<String> hashes = List.of(CODES.hash("0a1bc-d1ef0"));

        assertEquals(0, CODES.match("OA1BC-D1EF0", hashes));
        assertEquals(0, CODES.match("oaibc-dlefo", hashes));
        assertEquals(0, CODES.match("0aLbc dIef0", hashes));
    }

    @Test
    void firstMatchingIndexWinsWhenAHashIsRepeated() {
        String code = "abcde-fghjk";
        List<String> hashes = List.of(CODES.hash("zzzzz-zzzzz"), CODES.hash(code), CODES.hash("yyyyy-yyyyy"), CODES.hash(code));

        assertEquals(1, CODES.match(code, hashes));
    }

    @Test
    void hashesWrittenWithAnotherIterationCountStillMatch() {
        RecoveryCodes stronger = RecoveryCodes.builder().iterations(2_000).build();
        String code = "mnpqr-stvwx";

        List<String> hashes = List.of(CODES.hash("aaaaa-aaaaa"), stronger.hash(code));

        assertEquals(1, CODES.match(code, hashes));
        assertEquals(1, stronger.match(code, hashes));
    }

    @Test
    void hashesWrittenByEarlierReleasesStillMatch() {
        // PBKDF2-HMAC-SHA256 of the canonical code "7k2mx9q4rt", computed outside Java: the written form
        // (16-byte salt, 32-byte hash, unpadded), the same padded, and the shortest salt and hash ever read.
        List<String> earlier = List.of(
                "pbkdf2-sha256$1000$cmVjb3Zlcnktc2FsdC0xNg$+UA1gmruqv+TMcSX2E4llu4DIBUQRTG34KDDhHebtcA",
                "pbkdf2-sha256$1000$cmVjb3Zlcnktc2FsdC0xNg==$+UA1gmruqv+TMcSX2E4llu4DIBUQRTG34KDDhHebtcA=",
                "pbkdf2-sha256$1000$OGJ5dGVzYWw$Zc8iZ9ScR7bJnqh2eWSFAg");

        for (int i = 0; i < earlier.size(); i++) {
            assertEquals(0, CODES.match("7K2MX-9Q4RT", List.of(earlier.get(i))), earlier.get(i));
            assertEquals(-1, CODES.match("7k2mx-9q4rv", List.of(earlier.get(i))), earlier.get(i));
        }
    }

    static Stream<String> malformedInput() {
        return Stream.of(
                null,
                "",
                "abcde",
                "abcde-fghj",
                "abcde-fghjk-m",
                "abcde_fghjk",
                "abcde.fghjk",
                "abcdu-fghjk",
                "+abcd-fghjk",
                "١٢٣٤٥-٦٧٨٩٠",
                "１２３４５-６７８９０",
                "ABCDE-FGHİK",
                " ".repeat(RecoveryCodes.MAX_INPUT_LENGTH) + "abcde-fghjk",
                "a".repeat(10 * 1024 * 1024));
    }

    @ParameterizedTest
    @MethodSource("malformedInput")
    void malformedInputIsANonMatchNotAnException(String typed) {
        List<String> hashes = List.of(CODES.hash("abcde-fghjk"));

        assertEquals(-1, CODES.match(typed, hashes));
    }

    @Test
    void normaliseFoldsCaseAndDropsSpacesAndDashes() {
        assertEquals("abcdefghij", RecoveryCodes.normalise("ABCDE fghij"));
        assertEquals("abcdefghij", RecoveryCodes.normalise("abc-de-fg hij"));
        assertEquals("0123456789", RecoveryCodes.normalise("01234-56789"));
    }

    @ParameterizedTest
    @MethodSource("malformedInputForNormalise")
    void normaliseRefusesMalformedInputWithNull(String typed) {
        assertNull(RecoveryCodes.normalise(typed));
    }

    static Stream<String> malformedInputForNormalise() {
        return malformedInput().filter(s -> s == null || !s.contains("u"));
    }

    @Test
    void malformedStoredHashFailsClosedWithoutRepeatingIt() {
        String good = CODES.hash("abcde-fghjk");
        for (String bad : Arrays.asList(
                null,
                "",
                "plain-text-code",
                "bcrypt$10$abc$def",
                "pbkdf2-sha256$999$c2FsdHNhbHRzYWx0$" + "A".repeat(43),
                "pbkdf2-sha256$1000001$c2FsdHNhbHRzYWx0$" + "A".repeat(43),
                "pbkdf2-sha256$-1000$c2FsdHNhbHRzYWx0$" + "A".repeat(43),
                "pbkdf2-sha256$1000$%%%%$" + "A".repeat(43),
                "pbkdf2-sha256$1000$c2FsdA$" + "A".repeat(43),
                "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0$AAAA",
                "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0$" + "A".repeat(43) + "$extra",
                good + "x".repeat(300))) {
            List<String> hashes = Arrays.asList(good, bad);

            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CODES.match("abcde-fghjk", hashes), String.valueOf(bad));

            assertTrue(refused.getMessage().contains("#1"), refused.getMessage());
            assertFalse(bad != null && !bad.isEmpty() && refused.getMessage().contains(bad), refused.getMessage());
        }
    }

    @Test
    void hashRefusesAMalformedCodeWithoutRepeatingIt() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CODES.hash("secret-ish-value"));

        assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CODES.hash(null));
    }

    @Test
    void builderRefusesValuesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> RecoveryCodes.builder().count(0));
        assertThrows(IllegalArgumentException.class, () -> RecoveryCodes.builder().count(RecoveryCodes.MAX_COUNT + 1));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RecoveryCodes.builder().iterations(999));
        assertTrue(refused.getMessage().contains("iterations"), refused.getMessage());
        assertThrows(NullPointerException.class, () -> RecoveryCodes.builder().random(null));
    }

    @Test
    void tooManyStoredHashesAreRefused() {
        List<String> hashes = new ArrayList<>();
        String hash = CODES.hash("abcde-fghjk");
        for (int i = 0; i <= RecoveryCodes.MAX_COUNT; i++) {
            hashes.add(hash);
        }
        assertThrows(IllegalArgumentException.class, () -> CODES.match("abcde-fghjk", hashes));
    }

    @Test
    void toStringNamesTheSchemeOnly() {
        assertEquals("RecoveryCodes[10 codes, pbkdf2-sha256 x 1000]", CODES.toString());
    }

    @Test
    void oneInstanceServesManyThreadsAtOnce() throws Exception {
        int threads = 8;
        List<String> codes = RecoveryCodes.builder().count(threads).build().generate();
        List<String> hashes = hashAll(codes);
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String typed = codes.get(t).toUpperCase(Locale.ROOT);
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return CODES.match(typed, hashes);
                }));
            }
            for (int t = 0; t < threads; t++) {
                assertEquals(t, results.get(t).get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> hashAll(List<String> codes) {
        List<String> hashes = new ArrayList<>();
        for (String code : codes) {
            hashes.add(CODES.hash(code));
        }
        return hashes;
    }
}
