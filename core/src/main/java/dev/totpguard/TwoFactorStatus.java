package dev.totpguard;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's second-factor state as an administrator or the user's own settings page shows it. Immutable; holds
 * nothing secret.
 *
 * @param hasPendingEnrollment true when an enrollment waits for its confirming code (also while an older second factor
 *     is active); always true for {@link State#PENDING}
 * @param confirmedAt when the active second factor was confirmed: present exactly for {@link State#ACTIVE}
 * @param lockedUntil the end of the current lock, if the second factor is locked now
 * @param failureCount consecutive failed attempts since the last success
 */
public record TwoFactorStatus(State state, boolean hasPendingEnrollment, Optional<Instant> confirmedAt,
        Optional<Instant> lockedUntil, int recoveryCodesRemaining, int failureCount) {

    /** Whether the user has a second factor. */
    public enum State {
        /** Never enrolled, or disabled or reset since. */
        NONE,
        /** An enrollment was started but not confirmed: the user has no second factor yet. */
        PENDING,
        /** A confirmed second factor. */
        ACTIVE
    }

    /** The status of a user without any second factor. */
    static final TwoFactorStatus NONE = new TwoFactorStatus(State.NONE, false, Optional.empty(), Optional.empty(), 0, 0);

    /**
     * @throws IllegalArgumentException if a confirmation time comes with anything but ACTIVE (or is missing for it),
     *     or a count is negative
     */
    public TwoFactorStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
        Objects.requireNonNull(lockedUntil, "lockedUntil");
        if ((state == State.ACTIVE) != confirmedAt.isPresent()) {
            throw new IllegalArgumentException("Exactly an ACTIVE status has a confirmation time");
        }
        if (recoveryCodesRemaining < 0 || failureCount < 0) {
            throw new IllegalArgumentException("Counts must not be negative");
        }
        hasPendingEnrollment = hasPendingEnrollment || state == State.PENDING;
    }

    /** True when the user has a confirmed second factor and must give a code at login. */
    public boolean isActive() {
        return state == State.ACTIVE;
    }

    @Override
    public String toString() {
        return "TwoFactorStatus[" + state + (hasPendingEnrollment && state == State.ACTIVE ? " with pending enrollment" : "")
                + confirmedAt.map(at -> ", confirmed " + at).orElse("")
                + lockedUntil.map(until -> ", locked until " + until).orElse("")
                + ", " + recoveryCodesRemaining + " recovery codes left, " + failureCount + " failures]";
    }
}
