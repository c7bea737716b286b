package dev.totpguard.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored recovery code: its salted hash (never the code) and when it was used, if it was. Immutable;
 * {@link #toString()} leaves the hash out.
 *
 * @param usedAt when the code was used; empty while unused
 */
public record RecoveryCodeHash(String hash, Optional<Instant> usedAt) {

    /** Longest hash string a store must hold. */
    public static final int MAX_HASH_LENGTH = 255;

    /** @throws IllegalArgumentException if the hash is empty or longer than {@link #MAX_HASH_LENGTH} */
    public RecoveryCodeHash {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(usedAt, "usedAt");
        if (hash.isEmpty() || hash.length() > MAX_HASH_LENGTH) {
            throw new IllegalArgumentException("A recovery code hash has 1 to " + MAX_HASH_LENGTH + " characters");
        }
    }

    /** @param usedAt {@code null} while unused */
    public static RecoveryCodeHash of(String hash, Instant usedAt) {
        return new RecoveryCodeHash(hash, Optional.ofNullable(usedAt));
    }

    static RecoveryCodeHash unused(String hash) {
        return new RecoveryCodeHash(hash, Optional.empty());
    }

    public boolean isUsed() {
        return usedAt.isPresent();
    }

    /** Says only whether it was used; a hash is not for logs either. */
    @Override
    public String toString() {
        return usedAt.map(at -> "RecoveryCodeHash[used " + at + "]").orElse("RecoveryCodeHash[unused]");
    }
}
