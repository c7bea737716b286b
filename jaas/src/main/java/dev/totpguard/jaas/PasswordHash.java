package dev.totpguard.jaas;

import dev.totpguard.internal.Pbkdf2Format;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes (RFC 8018 section 5.2) in a self-describing text form:
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, salt and hash in standard Base64, 16-byte salt, 32-byte hash.
 * New hashes are written without Base64 padding; hashes with padding, as earlier releases wrote them, are
 * read as well. It is the same form TOTP Guard uses for recovery codes, so one tool reads both. A stored
 * hash must have 1,000 to 10,000,000 iterations, a salt of 16 or more bytes and a 32-byte hash; white space
 * around it is ignored.
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

    /** Longest stored value looked at (after which nothing is spent on it). */
    private static final int MAX_ENCODED_LENGTH = 512;
    /**
     * What a stored password hash may be. White space around it is tolerated because hashes are pasted
     * into users files and may sit in fixed-width {@code CHAR} columns.
     */
    private static final Pbkdf2Format FORMAT = Pbkdf2Format.builder()
            .iterations(MIN_ITERATIONS, MAX_ITERATIONS)
            .minSaltBytes(Pbkdf2Format.SALT_BYTES)
            .hashBytes(Pbkdf2Format.HASH_BYTES, Pbkdf2Format.HASH_BYTES)
            .maxEncodedLength(MAX_ENCODED_LENGTH)
            .trimWhitespace()
            .build();
    private static final String SUBJECT = "password hash";
    private static final char[] DUMMY_PASSWORD = "totpguard-dummy-password".toCharArray();

    private final int iterations;
    private final SecureRandom random;
    private final Pbkdf2Format.StoredHash dummyHash;

    private PasswordHash(Builder builder) {
        this.iterations = builder.iterations;
        this.random = builder.random;
        // Built at once, mostly to fail fast if the JCE lacks PBKDF2WithHmacSHA256.
        this.dummyHash = FORMAT.parse(FORMAT.hash(DUMMY_PASSWORD, iterations, random), SUBJECT);
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
        return FORMAT.hash(password, iterations, random);
    }

    /**
     * Checks a password against a stored hash, in time that depends only on the stored iteration count.
     * A {@code null}, empty or oversized password is refused after the same amount of work.
     *
     * @throws IllegalArgumentException if {@code encoded} is not a well-formed hash (see {@link #isWellFormed})
     */
    public boolean matches(char[] password, String encoded) {
        Pbkdf2Format.StoredHash stored = FORMAT.parse(encoded, SUBJECT);
        boolean usable = usable(password);
        // The comparison is constant-time; `&` does not short-circuit, so an unusable password costs the same.
        return stored.matches(usable ? password : DUMMY_PASSWORD) & usable;
    }

    /**
     * Spends the work of checking one password at {@link #iterations()} and returns {@code false}: what a
     * verifier does for a user that does not exist, so the answer takes as long as for a wrong password.
     */
    public boolean matchesDummy(char[] password) {
        // Checked like a real hash so the work is the same as in matches(); the answer is always "no".
        dummyHash.matches(usable(password) ? password : DUMMY_PASSWORD);
        return false;
    }

    /** True if {@code encoded} is {@code pbkdf2-sha256$N$SALT$HASH} with a usable count, 16+ byte salt, 32-byte hash. */
    public static boolean isWellFormed(String encoded) {
        return FORMAT.isWellFormed(encoded);
    }

    private static boolean usable(char[] password) {
        return password != null && password.length > 0 && password.length <= MAX_PASSWORD_CHARS;
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

    /** Builds a {@link PasswordHash}; bad values are refused at once. */
    public static final class Builder {
        private int iterations = OWASP_ITERATIONS;
        private SecureRandom random;

        private Builder() {
        }

        /** @throws IllegalArgumentException unless {@value #MIN_ITERATIONS}..{@value #MAX_ITERATIONS} */
        public Builder iterations(int iterations) {
            this.iterations = FORMAT.requireIterations(iterations);
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
