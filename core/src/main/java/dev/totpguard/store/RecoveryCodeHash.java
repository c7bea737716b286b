package dev.totpguard.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored recovery code: its salted hash (never the code) and when it was used, if it was. Immutable.
 */
public final class RecoveryCodeHash {

    /** Longest hash string a store must hold. */
    public static final int MAX_HASH_LENGTH = 255;

    private final String hash;
    private final Instant usedAt;

    private RecoveryCodeHash(String hash, Instant usedAt) {
        this.hash = Objects.requireNonNull(hash, "hash");
        if (hash.isEmpty() || hash.length() > MAX_HASH_LENGTH) {
            throw new IllegalArgumentException("A recovery code hash has 1 to " + MAX_HASH_LENGTH + " characters");
        }
        this.usedAt = usedAt;
    }

    /** @param usedAt {@code null} while unused */
    public static RecoveryCodeHash of(String hash, Instant usedAt) {
        return new RecoveryCodeHash(hash, usedAt);
    }

    static RecoveryCodeHash unused(String hash) {
        return new RecoveryCodeHash(hash, null);
    }

    public String hash() {
        return hash;
    }

    public Optional<Instant> usedAt() {
        return Optional.ofNullable(usedAt);
    }

    public boolean isUsed() {
        return usedAt != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecoveryCodeHash && hash.equals(((RecoveryCodeHash) o).hash)
                && Objects.equals(usedAt, ((RecoveryCodeHash) o).usedAt);
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    /** Says only whether it was used; a hash is not for logs either. */
    @Override
    public String toString() {
        return usedAt == null ? "RecoveryCodeHash[unused]" : "RecoveryCodeHash[used " + usedAt + "]";
    }
}
