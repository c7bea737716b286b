package dev.totpguard.recovery;

import dev.totpguard.internal.Pbkdf2Format;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One-time recovery codes (NIST SP 800-63B section 5.1.2 "look-up secrets"): generated from a
 * {@link SecureRandom}, shown to the user once, kept only as salted PBKDF2-HMAC-SHA256 hashes, and each
 * usable once — {@link #match} reports which stored hash matched so the caller can delete it.
 *
 * <p>A code is 10 symbols from a 32-symbol alphabet, 50 bits, shown as {@code xxxxx-xxxxx}. The alphabet
 * is Crockford's Base32 in lower case ({@code 0-9} and the letters without {@code i}, {@code l}, {@code o}
 * and {@code u}), so no two symbols look alike; when checking a typed code, case, spaces and dashes are
 * ignored and the letters {@code o}, {@code i} and {@code l}, which a code never contains, are read as the
 * digits they resemble.
 *
 * <p>Stored hashes describe themselves: {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} with Base64 salt and
 * hash (unpadded when written, padding optional when read), so the iteration count can be raised later
 * without invalidating codes already issued. A stored hash is read with a salt of 8 or more bytes and a
 * hash of 16 to 64 bytes.
 * Instances are immutable and thread-safe.
 */
public final class RecoveryCodes {

    /** Codes per set when the builder is not told otherwise. */
    public static final int DEFAULT_COUNT = 10;
    /** Most codes per set: {@link #match} derives one key per stored hash, so this bounds its cost. */
    public static final int MAX_COUNT = 50;

    /**
     * Default PBKDF2 iterations. Recovery codes are random with 50 bits, so unlike passwords they cannot
     * be guessed from a dictionary; online guessing is stopped by the login rate limit. The KDF only has
     * to make an offline attack on a stolen database dump expensive: at 10,000 iterations a current GPU
     * computes under a million guesses per second against one salt, so finding one code (2^49 guesses on
     * average) takes it about 20 years, and every code has its own salt. Checking one typed code against
     * a full set of 10 hashes costs about 30 ms on one core of a small server, which keeps a login
     * responsive and an attacker unable to tie up the CPU cheaply.
     */
    public static final int DEFAULT_ITERATIONS = 10_000;
    /** Fewest iterations accepted, in the builder and in a stored hash. */
    public static final int MIN_ITERATIONS = 1_000;
    /** Most iterations accepted, so a tampered or mistyped stored value cannot stall every login. */
    public static final int MAX_ITERATIONS = 1_000_000;

    /** Crockford's Base32 symbols, lower case: 32 symbols, so each carries exactly 5 bits. */
    static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    /** Symbols per code: 10 x 5 = 50 bits. */
    static final int CODE_LENGTH = 10;
    /** Longest typed input looked at; anything longer is refused before any work is done. */
    public static final int MAX_INPUT_LENGTH = 64;

    /**
     * What a stored hash may be: the limits recovery code hashes have always been read with (salt 8+ bytes,
     * hash 16 to 64 bytes; new ones have 16 and 32), so no stored code stops working.
     */
    private static final Pbkdf2Format FORMAT = Pbkdf2Format.builder()
            .iterations(MIN_ITERATIONS, MAX_ITERATIONS)
            .minSaltBytes(8)
            .hashBytes(16, 64)
            .maxEncodedLength(256)
            .build();

    private final int count;
    private final int iterations;
    private final SecureRandom random;

    private RecoveryCodes(Builder builder) {
        this.count = builder.count;
        this.iterations = builder.iterations;
        this.random = builder.random != null ? builder.random : new SecureRandom();
        Pbkdf2Format.requireRuntimeSupport();
    }

    /** Defaults: {@value #DEFAULT_COUNT} codes, {@value #DEFAULT_ITERATIONS} iterations, a new {@link SecureRandom}. */
    public static Builder builder() {
        return new Builder();
    }

    /** How many codes {@link #generate()} returns. */
    int count() {
        return count;
    }

    /** PBKDF2 iterations used by {@link #hash(CharSequence)}. */
    int iterations() {
        return iterations;
    }

    /**
     * A new set of distinct codes, each {@code xxxxx-xxxxx}. Show them to the user once and keep only
     * their {@link #hash(CharSequence) hashes}.
     */
    public List<String> generate() {
        Set<String> seen = new HashSet<>();
        List<String> codes = new ArrayList<>(count);
        char[] chars = new char[CODE_LENGTH + 1];
        while (codes.size() < count) {
            for (int i = 0, position = 0; i < CODE_LENGTH; i++, position++) {
                if (i == CODE_LENGTH / 2) {
                    chars[position++] = '-';
                }
                // 32 is a power of two, so nextInt(32) takes exactly 5 random bits, without modulo bias.
                chars[position] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            String code = new String(chars);
            // A repeat has probability about 2^-44 per set; refusing it keeps "each code works once" exact.
            if (seen.add(code)) {
                codes.add(code);
            }
        }
        Arrays.fill(chars, '\0');
        return Collections.unmodifiableList(codes);
    }

    /**
     * The salted hash to store for a code: {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, with a fresh
     * 128-bit salt, so hashing the same code twice gives different strings.
     *
     * @throws IllegalArgumentException if {@code code} is not a well-formed recovery code (the message does
     *     not repeat it)
     */
    public String hash(CharSequence code) {
        char[] canonical = canonical(code);
        if (canonical == null) {
            throw new IllegalArgumentException("Not a recovery code: expected " + CODE_LENGTH
                    + " letters and digits, e.g. xxxxx-xxxxx");
        }
        try {
            return FORMAT.hash(canonical, iterations, random);
        } finally {
            Arrays.fill(canonical, '\0');
        }
    }

    /**
     * Finds the stored hash that a typed code matches.
     *
     * <p>Every hash is derived and compared, with no early exit, so the time taken does not tell which
     * code (or whether any) matched. Malformed input (wrong length, other characters, over
     * {@value #MAX_INPUT_LENGTH} characters, {@code null}) is refused at once: that reveals nothing about
     * the codes.
     *
     * @param typed the code as the user entered it
     * @param hashes the user's remaining stored hashes, as returned by {@link #hash(CharSequence)}
     * @return the index in {@code hashes} of the matching hash, for the caller to consume, or {@code -1}
     * @throws IllegalArgumentException if a stored hash is not in the {@code pbkdf2-sha256$...} form or has
     *     more than {@value #MAX_COUNT} entries (corrupt data: fail closed rather than guess)
     */
    public int match(CharSequence typed, List<String> hashes) {
        Objects.requireNonNull(hashes, "hashes");
        if (hashes.size() > MAX_COUNT) {
            throw new IllegalArgumentException("At most " + MAX_COUNT + " recovery code hashes can be checked, not " + hashes.size());
        }
        // All parsed before any is derived: a corrupt set fails closed without spending work on the rest.
        Pbkdf2Format.StoredHash[] stored = new Pbkdf2Format.StoredHash[hashes.size()];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = FORMAT.parse(hashes.get(i), "Stored recovery code hash #" + i);
        }
        char[] canonical = canonical(typed);
        if (canonical == null) {
            return -1;
        }
        try {
            int matched = -1;
            for (int i = 0; i < stored.length; i++) {
                // Constant-time comparison inside; the loop adds no early exit.
                int hit = stored[i].matches(canonical) ? 1 : 0;
                // Keep the first match without branching on it; the loop goes on over every hash.
                int take = -(hit & (matched >>> 31));
                matched = (i & take) | (matched & ~take);
            }
            return matched;
        } finally {
            Arrays.fill(canonical, '\0');
        }
    }

    /**
     * Normalises a typed code: ASCII letters to lower case, spaces, tabs and dashes removed.
     *
     * @return the 10 letters and digits, e.g. {@code "ABCDE fghij" -> "abcdefghij"}; {@code null} if the
     *     input is {@code null}, longer than {@value #MAX_INPUT_LENGTH} characters, or does not leave exactly
     *     10 ASCII letters and digits
     */
    public static String normalise(CharSequence typed) {
        char[] normalised = normaliseToChars(typed);
        if (normalised == null) {
            return null;
        }
        String result = new String(normalised);
        Arrays.fill(normalised, '\0');
        return result;
    }

    @Override
    public String toString() {
        return "RecoveryCodes[" + count + " codes, " + Pbkdf2Format.SCHEME + " x " + iterations + "]";
    }

    private static char[] normaliseToChars(CharSequence typed) {
        // Bounding the length first keeps the cost of a hostile 10 MB input at one length check.
        if (typed == null || typed.length() > MAX_INPUT_LENGTH) {
            return null;
        }
        char[] out = new char[CODE_LENGTH];
        int n = 0;
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (c == ' ' || c == '\t' || c == '-') {
                continue;
            }
            // ASCII-only case folding: String.toLowerCase() would depend on the locale (Turkish dotless i)
            // and accept letters from other scripts.
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                Arrays.fill(out, '\0');
                return null;
            }
            if (n == CODE_LENGTH) {
                Arrays.fill(out, '\0');
                return null;
            }
            out[n++] = c;
        }
        if (n != CODE_LENGTH) {
            Arrays.fill(out, '\0');
            return null;
        }
        return out;
    }

    /** The normalised code with look-alikes read as alphabet symbols, or null if it cannot be a code. */
    private static char[] canonical(CharSequence typed) {
        char[] chars = normaliseToChars(typed);
        if (chars == null) {
            return null;
        }
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c == 'o') {
                chars[i] = '0';
            } else if (c == 'i' || c == 'l') {
                chars[i] = '1';
            } else if (c == 'u') {
                Arrays.fill(chars, '\0');
                return null;
            }
        }
        return chars;
    }

    /** Builds {@link RecoveryCodes}; each setter refuses a bad value at once, naming it. */
    public static final class Builder {
        private int count = DEFAULT_COUNT;
        private int iterations = DEFAULT_ITERATIONS;
        private SecureRandom random;

        private Builder() {
        }

        /** Codes per set, 1 to {@value RecoveryCodes#MAX_COUNT}; default {@value RecoveryCodes#DEFAULT_COUNT}. */
        public Builder count(int count) {
            if (count < 1 || count > MAX_COUNT) {
                throw new IllegalArgumentException("recovery code count must be from 1 to " + MAX_COUNT + ", not " + count);
            }
            this.count = count;
            return this;
        }

        /**
         * PBKDF2-HMAC-SHA256 iterations for new hashes, {@value RecoveryCodes#MIN_ITERATIONS} to
         * {@value RecoveryCodes#MAX_ITERATIONS}; default {@value RecoveryCodes#DEFAULT_ITERATIONS}. Hashes
         * already stored keep the count written in them.
         */
        public Builder iterations(int iterations) {
            this.iterations = FORMAT.requireIterations(iterations);
            return this;
        }

        /** The source of codes and salts; default a new {@link SecureRandom}. */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @throws IllegalStateException if the runtime has no PBKDF2WithHmacSHA256 */
        public RecoveryCodes build() {
            return new RecoveryCodes(this);
        }
    }
}
