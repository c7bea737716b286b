package dev.totpguard.store;

import dev.totpguard.otp.Totp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's second-factor state as read from a {@link CredentialStore}: the active secret (once an enrollment
 * was confirmed), a pending secret (an enrollment not yet confirmed; it replaces the active one only when
 * confirmed), the last used time step, and the consecutive-failure count with its lock.
 *
 * <p>Immutable snapshot; holds no plaintext secret. Build one with {@link #builder(String)} (store
 * implementations do).
 */
public final class StoredCredential {

    /** Whether the user has a confirmed second factor. */
    public enum Status {
        /** Only an unconfirmed enrollment: the user has no second factor yet. */
        PENDING,
        /** A confirmed secret; there may also be a pending replacement. */
        ACTIVE
    }

    private final String user;
    private final SecretRecord active;
    private final Instant confirmedAt;
    private final long lastUsedStep;
    private final SecretRecord pending;
    private final int failures;
    private final Instant lockedUntil;
    private final long generation;

    private StoredCredential(Builder builder) {
        this.user = builder.user;
        this.active = builder.active;
        this.confirmedAt = builder.confirmedAt;
        this.lastUsedStep = builder.lastUsedStep;
        this.pending = builder.pending;
        this.failures = builder.failures;
        this.lockedUntil = builder.lockedUntil;
        this.generation = builder.generation;
        if (active == null && pending == null) {
            throw new IllegalArgumentException("A stored credential has an active or a pending secret");
        }
        if (active != null && confirmedAt == null) {
            throw new IllegalArgumentException("An active credential has a confirmation time");
        }
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative");
        }
    }

    public static Builder builder(String user) {
        return new Builder(user);
    }

    /** A builder holding this snapshot's values. */
    public Builder toBuilder() {
        Builder builder = new Builder(user);
        builder.active = active;
        builder.confirmedAt = confirmedAt;
        builder.lastUsedStep = lastUsedStep;
        builder.pending = pending;
        builder.failures = failures;
        builder.lockedUntil = lockedUntil;
        builder.generation = generation;
        return builder;
    }

    public String user() {
        return user;
    }

    public Status status() {
        return active != null ? Status.ACTIVE : Status.PENDING;
    }

    public boolean isActive() {
        return active != null;
    }

    /** The confirmed secret the user logs in with. */
    public Optional<SecretRecord> active() {
        return Optional.ofNullable(active);
    }

    public Optional<Instant> confirmedAt() {
        return Optional.ofNullable(confirmedAt);
    }

    /** The time step of the last accepted code, or {@link Totp#NO_STEP_USED}. */
    public long lastUsedStep() {
        return lastUsedStep;
    }

    /**
     * The version of the active secret: a value the store changes whenever a secret becomes active and never
     * gives twice to one user (a reset removes the row, so it is not a counter that starts again).
     * {@link CredentialStore#advanceLastUsedStep} compares it, so a check made against a secret that was
     * replaced meanwhile cannot use up a step of the new one. 0 before the first activation.
     */
    public long generation() {
        return generation;
    }

    /** An enrollment waiting for its first code. */
    public Optional<SecretRecord> pending() {
        return Optional.ofNullable(pending);
    }

    /** Consecutive failed (or reserved and not yet successful) attempts since the last success. */
    public int failures() {
        return failures;
    }

    public Optional<Instant> lockedUntil() {
        return Optional.ofNullable(lockedUntil);
    }

    /** True while the lock holds at {@code now}. */
    public boolean isLockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoredCredential)) {
            return false;
        }
        StoredCredential that = (StoredCredential) o;
        return user.equals(that.user) && Objects.equals(active, that.active) && Objects.equals(confirmedAt, that.confirmedAt)
                && lastUsedStep == that.lastUsedStep && Objects.equals(pending, that.pending) && failures == that.failures
                && Objects.equals(lockedUntil, that.lockedUntil) && generation == that.generation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, lastUsedStep, failures);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + user + ", " + status() + (pending != null ? " with pending enrollment" : "")
                + ", last step " + lastUsedStep + ", failures " + failures
                + (lockedUntil != null ? ", locked until " + lockedUntil : "") + "]";
    }

    /** Builds a {@link StoredCredential}. */
    public static final class Builder {
        private final String user;
        private SecretRecord active;
        private Instant confirmedAt;
        private long lastUsedStep = Totp.NO_STEP_USED;
        private SecretRecord pending;
        private int failures;
        private Instant lockedUntil;
        private long generation;

        private Builder(String user) {
            this.user = Objects.requireNonNull(user, "user");
        }

        public Builder active(SecretRecord active, Instant confirmedAt) {
            this.active = active;
            this.confirmedAt = confirmedAt;
            return this;
        }

        public Builder lastUsedStep(long lastUsedStep) {
            this.lastUsedStep = lastUsedStep;
            return this;
        }

        public Builder pending(SecretRecord pending) {
            this.pending = pending;
            return this;
        }

        public Builder failures(int failures) {
            this.failures = failures;
            return this;
        }

        /** @see StoredCredential#generation() */
        public Builder generation(long generation) {
            this.generation = generation;
            return this;
        }

        /** @param lockedUntil {@code null} for no lock */
        public Builder lockedUntil(Instant lockedUntil) {
            this.lockedUntil = lockedUntil;
            return this;
        }

        /** @throws IllegalArgumentException if neither secret is set, or an active one lacks its confirmation time */
        public StoredCredential build() {
            return new StoredCredential(this);
        }
    }
}
