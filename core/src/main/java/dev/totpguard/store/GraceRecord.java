package dev.totpguard.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store keeps of one account's enrollment grace (see {@code TwoFactorPolicy.enrollmentGrace}): when the
 * period started and how many password sign-ins it has counted. Keyed by the account's {@link AccountKey}, not the
 * typed name, and kept apart from the credential, so that neither another spelling of the name nor a reset of the
 * second factor starts a new period.
 *
 * @param startedAt when the period started; it never moves by itself
 * @param signIns password sign-ins counted since, 0 or more
 */
public record GraceRecord(Instant startedAt, int signIns) {

    /**
     * The key under which the store keeps when TOTP Guard first ran with enforcement REQUIRED and a grace: not a
     * 64-hex-digit {@link AccountKey}, so it is never an account's.
     */
    public static final String ENFORCEMENT_KEY = "enforcement";

    /** Longest key a store must accept: an {@link AccountKey}. */
    public static final int MAX_KEY_LENGTH = 64;

    /** @throws IllegalArgumentException if {@code signIns} is negative */
    public GraceRecord {
        Objects.requireNonNull(startedAt, "startedAt");
        if (signIns < 0) {
            throw new IllegalArgumentException("signIns must not be negative, not " + signIns);
        }
    }

    static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("A grace key has 1 to " + MAX_KEY_LENGTH + " characters");
        }
        return key;
    }
}
