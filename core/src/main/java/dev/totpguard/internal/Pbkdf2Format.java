package dev.totpguard.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The one owner of the text form {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}: a salted PBKDF2-HMAC-SHA256
 * hash (RFC 8018 section 5.2) that names its own iteration count, so the count for new hashes can be
 * raised without invalidating the ones already stored. Recovery codes (core) and password hashes (jaas)
 * are both kept in it; each builds a format with its own limits for what it will read.
 *
 * <p><b>Written</b> ({@link #hash}): a fresh {@value #SALT_BYTES}-byte salt, a {@value #HASH_BYTES}-byte
 * hash (one SHA-256 block), both in standard Base64 <em>without</em> padding; the iteration count in
 * decimal.
 *
 * <p><b>Read</b> ({@link #parse}): the same, with Base64 padding optional (password hashes were written
 * with it), an iteration count of decimal digits only inside this format's range, a salt of at least
 * {@link Builder#minSaltBytes this format's} minimum and a hash length in its range. A verification
 * derives as many bytes as the stored hash has, with the stored salt and count, and compares them with
 * {@link MessageDigest#isEqual} (constant time). Anything else is refused with an
 * {@link IllegalArgumentException} whose message names the field at fault but repeats no part of the
 * value, so a mistyped password pasted into a hash column does not reach a log.
 *
 * <p>For TOTP Guard's modules only (see the {@linkplain dev.totpguard.internal package}). Instances are
 * immutable and thread-safe.
 */
public final class Pbkdf2Format {

    /** The first field of every value. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** Salt length of new hashes: 128 bits, NIST SP 800-132's minimum. */
    public static final int SALT_BYTES = 16;
    /** Hash length of new hashes: the SHA-256 output, so PBKDF2 computes one block. */
    public static final int HASH_BYTES = 32;
    /**
     * Longest hash any format may accept: each further 32 bytes is one more full PBKDF2 run for a verifier,
     * but an attacker needs only the first block to test a guess, so longer hashes only cost the defender.
     */
    public static final int MAX_HASH_BYTES = 64;

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String FORM = SCHEME + "$ITERATIONS$SALT$HASH";
    /** Digits of the largest count an {@code int} holds; a longer field is out of range whatever it says. */
    private static final int MAX_ITERATION_DIGITS = 10;

    private final int minIterations;
    private final int maxIterations;
    private final int minSaltBytes;
    private final int minHashBytes;
    private final int maxHashBytes;
    private final int maxEncodedLength;
    private final boolean trimsWhitespace;

    private Pbkdf2Format(Builder builder) {
        this.minIterations = builder.minIterations;
        this.maxIterations = builder.maxIterations;
        this.minSaltBytes = builder.minSaltBytes;
        this.minHashBytes = builder.minHashBytes;
        this.maxHashBytes = builder.maxHashBytes;
        this.maxEncodedLength = builder.maxEncodedLength;
        this.trimsWhitespace = builder.trimsWhitespace;
    }

    /**
     * A builder that must be given {@link Builder#iterations(int, int) the iteration range}; the other
     * limits default to exactly what {@link #hash} writes ({@value #SALT_BYTES}+ byte salt,
     * {@value #HASH_BYTES}-byte hash), at most 256 characters, no surrounding white space.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fails at once, rather than when the first user needs a hash, on a Java runtime without
     * PBKDF2WithHmacSHA256.
     *
     * @throws IllegalStateException if the runtime has no PBKDF2WithHmacSHA256
     */
    public static void requireRuntimeSupport() {
        keyFactory();
    }

    /**
     * Checks an iteration count for new hashes against this format's range, for a caller's builder.
     *
     * @return {@code iterations}
     * @throws IllegalArgumentException naming the range and the refused count (a setting, not a secret)
     */
    public int requireIterations(int iterations) {
        if (iterations < minIterations || iterations > maxIterations) {
            throw new IllegalArgumentException("PBKDF2 iterations must be from " + minIterations + " to "
                    + maxIterations + ", not " + iterations);
        }
        return iterations;
    }

    /**
     * Hashes a secret with a fresh salt from {@code random}: {@code pbkdf2-sha256$ITERATIONS$SALT$HASH},
     * Base64 without padding. The caller still owns (and should clear) {@code secret}.
     *
     * @throws IllegalArgumentException if {@code iterations} is outside this format's range
     */
    public String hash(char[] secret, int iterations, SecureRandom random) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(random, "random");
        requireIterations(iterations);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] derived = derive(secret, salt, iterations, HASH_BYTES);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        String encoded = SCHEME + '$' + iterations + '$' + base64.encodeToString(salt) + '$' + base64.encodeToString(derived);
        Arrays.fill(derived, (byte) 0);
        return encoded;
    }

    /**
     * Reads a stored value. Only after every field has passed is any work spent on it.
     *
     * @param encoded the stored value; may be {@code null} (refused)
     * @param subject what the value is, to start the error message, e.g. {@code "password hash"} or
     *     {@code "Stored recovery code hash #3"}; must not contain secret material
     * @throws IllegalArgumentException {@code "<subject>: <what is wrong>"}, never repeating the value
     */
    public StoredHash parse(String encoded, String subject) {
        Objects.requireNonNull(subject, "subject");
        if (encoded == null) {
            throw malformed(subject, "missing");
        }
        // Bounded before anything else, so a hostile multi-megabyte value costs one length check.
        if (encoded.length() > maxEncodedLength) {
            throw malformed(subject, "longer than " + maxEncodedLength + " characters");
        }
        String value = trimsWhitespace ? encoded.trim() : encoded;
        String[] parts = value.split("\\$", -1);
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            throw malformed(subject, "not of the form " + FORM);
        }
        int iterations = parseIterations(parts[1], subject);
        byte[] salt = decode(parts[2], subject, "salt");
        byte[] hash = decode(parts[3], subject, "hash");
        if (salt.length < minSaltBytes) {
            throw malformed(subject, "salt must have at least " + minSaltBytes + " bytes");
        }
        if (hash.length < minHashBytes || hash.length > maxHashBytes) {
            throw malformed(subject, minHashBytes == maxHashBytes
                    ? "hash must have " + minHashBytes + " bytes"
                    : "hash must have " + minHashBytes + " to " + maxHashBytes + " bytes");
        }
        return new StoredHash(iterations, salt, hash);
    }

    /** True if {@link #parse} accepts {@code encoded}. */
    public boolean isWellFormed(String encoded) {
        try {
            parse(encoded, "hash");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The limits only. */
    @Override
    public String toString() {
        return "Pbkdf2Format[" + minIterations + ".." + maxIterations + " iterations, salt " + minSaltBytes
                + "+ bytes, hash " + minHashBytes + ".." + maxHashBytes + " bytes]";
    }

    private int parseIterations(String field, String subject) {
        // Decimal digits only: Integer.parseInt would also take "+1000" and other scripts' digits.
        if (field.isEmpty()) {
            throw malformed(subject, "iteration count is empty");
        }
        long iterations = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(subject, "iteration count is not a decimal number");
            }
            if (i < MAX_ITERATION_DIGITS) {
                iterations = iterations * 10 + (c - '0');
            }
        }
        if (field.length() > MAX_ITERATION_DIGITS || iterations < minIterations || iterations > maxIterations) {
            throw malformed(subject, "iteration count must be from " + minIterations + " to " + maxIterations);
        }
        return (int) iterations;
    }

    private static byte[] decode(String field, String subject, String name) {
        try {
            // The basic decoder takes the padding '=' as optional: both forms ever written decode.
            return Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            // The decoder's own message quotes the offending character: dropped, not chained.
            throw malformed(subject, name + " is not Base64");
        }
    }

    private static IllegalArgumentException malformed(String subject, String problem) {
        return new IllegalArgumentException(subject + ": " + problem);
    }

    private static byte[] derive(char[] secret, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, bytes * 8);
        try {
            return keyFactory().generateSecret(spec).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new IllegalStateException(ALGORITHM + " refused its parameters", e);
        } finally {
            // PBEKeySpec keeps its own copy of the secret.
            spec.clearPassword();
        }
    }

    private static SecretKeyFactory keyFactory() {
        try {
            return SecretKeyFactory.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime has no " + ALGORITHM, e);
        }
    }

    /** A parsed value: iteration count, salt and hash. Immutable; its {@link #toString} shows neither bytes. */
    public static final class StoredHash {
        private final int iterations;
        private final byte[] salt;
        private final byte[] hash;

        private StoredHash(int iterations, byte[] salt, byte[] hash) {
            this.iterations = iterations;
            this.salt = salt;
            this.hash = hash;
        }

        /** The count this hash was written with, and that {@link #matches} spends. */
        public int iterations() {
            return iterations;
        }

        /**
         * Derives a key from {@code secret} with this hash's salt, count and length and compares it in
         * constant time. The time taken depends on the count and length, never on {@code secret} or on
         * where the bytes differ. The caller still owns (and should clear) {@code secret}.
         */
        public boolean matches(char[] secret) {
            Objects.requireNonNull(secret, "secret");
            byte[] derived = derive(secret, salt, iterations, hash.length);
            try {
                return MessageDigest.isEqual(derived, hash);
            } finally {
                Arrays.fill(derived, (byte) 0);
            }
        }

        @Override
        public String toString() {
            return "StoredHash[" + SCHEME + " x " + iterations + "]";
        }
    }

    /** Builds a {@link Pbkdf2Format}; a setter refuses a bad value at once, {@link #build()} inconsistent ones. */
    public static final class Builder {
        private int minIterations;
        private int maxIterations;
        private int minSaltBytes = SALT_BYTES;
        private int minHashBytes = HASH_BYTES;
        private int maxHashBytes = HASH_BYTES;
        private int maxEncodedLength = 256;
        private boolean trimsWhitespace;

        private Builder() {
        }

        /**
         * The iteration counts accepted, for new hashes and in stored ones (required). The upper bound
         * is what keeps a tampered stored value from stalling every verification.
         */
        public Builder iterations(int min, int max) {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("iteration range must be 1 <= min <= max, not " + min + ".." + max);
            }
            this.minIterations = min;
            this.maxIterations = max;
            return this;
        }

        /** Shortest stored salt accepted, 1 to {@value Pbkdf2Format#SALT_BYTES}; default {@value Pbkdf2Format#SALT_BYTES}. */
        public Builder minSaltBytes(int bytes) {
            if (bytes < 1 || bytes > SALT_BYTES) {
                throw new IllegalArgumentException("minimum salt length must be from 1 to " + SALT_BYTES + ", not " + bytes);
            }
            this.minSaltBytes = bytes;
            return this;
        }

        /**
         * Stored hash lengths accepted; the range must include {@value Pbkdf2Format#HASH_BYTES} (what is
         * written) and end at most at {@value Pbkdf2Format#MAX_HASH_BYTES}. Default exactly
         * {@value Pbkdf2Format#HASH_BYTES}.
         */
        public Builder hashBytes(int min, int max) {
            if (min < 1 || min > HASH_BYTES || max < HASH_BYTES || max > MAX_HASH_BYTES) {
                throw new IllegalArgumentException("hash length range must be within 1.." + MAX_HASH_BYTES
                        + " and include " + HASH_BYTES + ", not " + min + ".." + max);
            }
            this.minHashBytes = min;
            this.maxHashBytes = max;
            return this;
        }

        /** Longest stored value looked at; default 256. Must hold what this format writes. */
        public Builder maxEncodedLength(int characters) {
            if (characters < 1) {
                throw new IllegalArgumentException("maximum length must be positive, not " + characters);
            }
            this.maxEncodedLength = characters;
            return this;
        }

        /**
         * Reads values with white space around them (after the length check), for hashes typed into files
         * or kept in fixed-width {@code CHAR} columns. Default: such a value is refused.
         */
        public Builder trimWhitespace() {
            this.trimsWhitespace = true;
            return this;
        }

        /** @throws IllegalStateException if no iteration range was given or the length cannot hold a written hash */
        public Pbkdf2Format build() {
            if (minIterations == 0) {
                throw new IllegalStateException("Pbkdf2Format needs an iteration range");
            }
            // The longest value hash() writes: the largest count and unpadded Base64 of salt and hash.
            int longestWritten = SCHEME.length() + 3 + Integer.toString(maxIterations).length()
                    + (SALT_BYTES * 4 + 2) / 3 + (HASH_BYTES * 4 + 2) / 3;
            if (maxEncodedLength < longestWritten) {
                throw new IllegalStateException("maximum length " + maxEncodedLength
                        + " cannot hold the hashes this format writes (" + longestWritten + " characters)");
            }
            return new Pbkdf2Format(this);
        }
    }
}
