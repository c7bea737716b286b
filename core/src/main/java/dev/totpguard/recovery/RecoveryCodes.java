package dev.totpguard.recovery;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

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
 * hash, so the iteration count can be raised later without invalidating codes already issued.
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

    private static final String SCHEME = "pbkdf2-sha256";
    private static final String KDF = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MIN_STORED_SALT_BYTES = 8;
    private static final int MIN_STORED_HASH_BYTES = 16;
    private static final int MAX_STORED_LENGTH = 256;

    private final int count;
    private final int iterations;
    private final SecureRandom random;

    private RecoveryCodes(Builder builder) {
        this.count = builder.count;
        this.iterations = builder.iterations;
        this.random = builder.random != null ? builder.random : new SecureRandom();
        // Fail at start-up, not when the first user needs a code, on a runtime without PBKDF2.
        keyFactory();
    }

    /** Defaults: {@value #DEFAULT_COUNT} codes, {@value #DEFAULT_ITERATIONS} iterations, a new {@link SecureRandom}. */
    public static Builder builder() {
        return new Builder();
    }

    /** How many codes {@link #generate()} returns. */
    public int count() {
        return count;
    }

    /** PBKDF2 iterations used by {@link #hash(CharSequence)}. */
    public int iterations() {
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
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] derived = derive(canonical, salt, iterations, HASH_BYTES);
        Arrays.fill(canonical, '\0');
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        String stored = SCHEME + '$' + iterations + '$' + base64.encodeToString(salt) + '$' + base64.encodeToString(derived);
        Arrays.fill(derived, (byte) 0);
        return stored;
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
        StoredHash[] stored = new StoredHash[hashes.size()];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = StoredHash.parse(hashes.get(i), i);
        }
        char[] canonical = canonical(typed);
        if (canonical == null) {
            return -1;
        }
        try {
            int matched = -1;
            for (int i = 0; i < stored.length; i++) {
                byte[] derived = derive(canonical, stored[i].salt, stored[i].iterations, stored[i].hash.length);
                // MessageDigest.isEqual takes the same time wherever the arrays differ.
                int hit = MessageDigest.isEqual(derived, stored[i].hash) ? 1 : 0;
                Arrays.fill(derived, (byte) 0);
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
        return "RecoveryCodes[" + count + " codes, " + SCHEME + " x " + iterations + "]";
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

    private static byte[] derive(char[] code, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(code, salt, iterations, bytes * 8);
        try {
            return keyFactory().generateSecret(spec).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new IllegalStateException(KDF + " refused its parameters", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static SecretKeyFactory keyFactory() {
        try {
            return SecretKeyFactory.getInstance(KDF);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime has no " + KDF, e);
        }
    }

    /** A parsed {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} value. */
    private static final class StoredHash {
        final int iterations;
        final byte[] salt;
        final byte[] hash;

        private StoredHash(int iterations, byte[] salt, byte[] hash) {
            this.iterations = iterations;
            this.salt = salt;
            this.hash = hash;
        }

        static StoredHash parse(String value, int index) {
            if (value == null || value.length() > MAX_STORED_LENGTH) {
                throw malformed(index);
            }
            String[] parts = value.split("\\$", -1);
            if (parts.length != 4 || !SCHEME.equals(parts[0]) || parts[1].isEmpty() || parts[1].length() > 7) {
                throw malformed(index);
            }
            int iterations = 0;
            for (int i = 0; i < parts[1].length(); i++) {
                char c = parts[1].charAt(i);
                if (c < '0' || c > '9') {
                    throw malformed(index);
                }
                iterations = iterations * 10 + (c - '0');
            }
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
                throw malformed(index);
            }
            byte[] salt;
            byte[] hash;
            try {
                salt = Base64.getDecoder().decode(parts[2]);
                hash = Base64.getDecoder().decode(parts[3]);
            } catch (IllegalArgumentException e) {
                throw malformed(index);
            }
            if (salt.length < MIN_STORED_SALT_BYTES || hash.length < MIN_STORED_HASH_BYTES || hash.length > 64) {
                throw malformed(index);
            }
            return new StoredHash(iterations, salt, hash);
        }

        private static IllegalArgumentException malformed(int index) {
            return new IllegalArgumentException("Stored recovery code hash #" + index + " is not of the form "
                    + SCHEME + "$ITERATIONS$SALT$HASH with " + MIN_ITERATIONS + ".." + MAX_ITERATIONS + " iterations");
        }
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
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("PBKDF2 iterations must be from " + MIN_ITERATIONS + " to "
                        + MAX_ITERATIONS + ", not " + iterations);
            }
            this.iterations = iterations;
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
