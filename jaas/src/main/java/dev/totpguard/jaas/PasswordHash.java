package dev.totpguard.jaas;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes (RFC 8018 section 5.2) in a self-describing text form:
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, salt and hash in standard Base64 with padding, 16-byte salt,
 * 32-byte hash. It is the same form TOTP Guard uses for recovery codes, so one tool reads both.
 *
 * <p>The default iteration count is {@value #OWASP_ITERATIONS}, OWASP's Password Storage Cheat Sheet figure
 * for PBKDF2-HMAC-SHA256. Verification always uses the count stored in the hash, so raising the default
 * never locks anyone out; {@link #matchesDummy(char[])} burns the same time as checking a real hash, so a
 * caller can make "unknown user" cost as much as "wrong password".
 *
 * <p>To hash a password for a users file, run {@link #main(String[])}:
 * {@code java -cp totpguard-jaas.jar:totpguard-core.jar dev.totpguard.jaas.PasswordHash} (reads the password
 * without echo, prints the hash line).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PasswordHash {

    /** OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256 with 600,000 iterations. */
    public static final int OWASP_ITERATIONS = 600_000;
    /** The lowest count a stored hash may carry; below it a hash is refused as malformed. */
    public static final int MIN_ITERATIONS = 1_000;
    /** The highest count a stored hash may carry: bounds the CPU one login can cost. */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** Longest password accepted; longer input is refused before hashing (bounded cost). */
    public static final int MAX_PASSWORD_CHARS = 1024;

    static final String PREFIX = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final char[] DUMMY_PASSWORD = "totpguard-dummy-password".toCharArray();

    private final int iterations;
    private final SecureRandom random;
    private final byte[] dummySalt;
    private final byte[] dummyHash;

    private PasswordHash(Builder builder) {
        this.iterations = builder.iterations;
        this.random = builder.random;
        this.dummySalt = new byte[SALT_BYTES];
        random.nextBytes(dummySalt);
        // Built at once, mostly to fail fast if the JCE lacks PBKDF2WithHmacSHA256.
        this.dummyHash = derive(DUMMY_PASSWORD, dummySalt, iterations);
    }

    /** Defaults: {@value #OWASP_ITERATIONS} iterations, a new {@link SecureRandom}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The count new hashes get and {@link #matchesDummy(char[])} spends. */
    public int iterations() {
        return iterations;
    }

    /**
     * Hashes a password with a fresh salt. The caller still owns (and should clear) {@code password}.
     *
     * @throws IllegalArgumentException if the password is empty or longer than {@value #MAX_PASSWORD_CHARS}
     */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        if (password.length == 0 || password.length > MAX_PASSWORD_CHARS) {
            throw new IllegalArgumentException("password must be 1 to " + MAX_PASSWORD_CHARS + " characters");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder base64 = Base64.getEncoder();
        return PREFIX + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    /**
     * Checks a password against a stored hash, in time that depends only on the stored iteration count.
     * A {@code null}, empty or oversized password is refused after the same amount of work.
     *
     * @throws IllegalArgumentException if {@code encoded} is not a well-formed hash (see {@link #isWellFormed})
     */
    public boolean matches(char[] password, String encoded) {
        Parsed parsed = parse(encoded);
        boolean usable = password != null && password.length > 0 && password.length <= MAX_PASSWORD_CHARS;
        byte[] actual = derive(usable ? password : DUMMY_PASSWORD, parsed.salt, parsed.iterations);
        // MessageDigest.isEqual is constant-time for equal lengths (JDK 6u17+); `&` does not short-circuit.
        return MessageDigest.isEqual(actual, parsed.hash) & usable;
    }

    /**
     * Spends the work of checking one password at {@link #iterations()} and returns {@code false}: what a
     * verifier does for a user that does not exist, so the answer takes as long as for a wrong password.
     */
    public boolean matchesDummy(char[] password) {
        boolean usable = password != null && password.length > 0 && password.length <= MAX_PASSWORD_CHARS;
        byte[] actual = derive(usable ? password : DUMMY_PASSWORD, dummySalt, iterations);
        // Compared like a real hash so the work is the same as in matches(); the answer is always "no".
        MessageDigest.isEqual(actual, dummyHash);
        return false;
    }

    /** True if {@code encoded} is {@code pbkdf2-sha256$N$SALT$HASH} with a usable count, 16+ byte salt, 32-byte hash. */
    public static boolean isWellFormed(String encoded) {
        try {
            parse(encoded);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The iteration count inside a well-formed hash. */
    static int iterationsOf(String encoded) {
        return parse(encoded).iterations;
    }

    private static Parsed parse(String encoded) {
        if (encoded == null || encoded.length() > 512) {
            throw new IllegalArgumentException("not a pbkdf2-sha256 password hash");
        }
        String[] parts = encoded.trim().split("\\$", -1);
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException("not a pbkdf2-sha256$ITERATIONS$SALT$HASH password hash");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash iteration count is not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("password hash iteration count must be from " + MIN_ITERATIONS
                    + " to " + MAX_ITERATIONS);
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash salt or value is not Base64");
        }
        if (salt.length < SALT_BYTES || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("password hash needs a salt of at least " + SALT_BYTES
                    + " bytes and a " + HASH_BYTES + "-byte value");
        }
        return new Parsed(iterations, salt, hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        } finally {
            // PBEKeySpec keeps its own copy of the password; clear it.
            spec.clearPassword();
        }
    }

    /**
     * Prints the hash of a password read from the console without echo (or, without a console, one line of
     * standard input). Optional argument: the iteration count (default {@value #OWASP_ITERATIONS}).
     */
    public static void main(String[] args) throws IOException {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : OWASP_ITERATIONS;
        PasswordHash hasher = builder().iterations(iterations).build();
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            boolean same = password != null && Arrays.equals(password, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                System.err.println("The two passwords differ.");
                System.exit(2);
                return;
            }
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        try {
            System.out.println(hasher.hash(password));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static final class Parsed {
        final int iterations;
        final byte[] salt;
        final byte[] hash;

        Parsed(int iterations, byte[] salt, byte[] hash) {
            this.iterations = iterations;
            this.salt = salt;
            this.hash = hash;
        }
    }

    /** Builds a {@link PasswordHash}; bad values are refused at once. */
    public static final class Builder {
        private int iterations = OWASP_ITERATIONS;
        private SecureRandom random;

        private Builder() {
        }

        /** @throws IllegalArgumentException unless {@value #MIN_ITERATIONS}..{@value #MAX_ITERATIONS} */
        public Builder iterations(int iterations) {
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations must be from " + MIN_ITERATIONS + " to "
                        + MAX_ITERATIONS + ", not " + iterations);
            }
            this.iterations = iterations;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public PasswordHash build() {
            if (random == null) {
                random = new SecureRandom();
            }
            return new PasswordHash(this);
        }
    }
}
