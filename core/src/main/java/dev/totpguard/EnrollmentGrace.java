package dev.totpguard;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where an account without a second factor stands in the grace period of {@link TwoFactorPolicy.Enforcement#REQUIRED}
 * ({@link TwoFactorPolicy#graceDays()}, {@link TwoFactorPolicy#graceSignIns()}): while {@link #open()}, it passes with
 * its password alone and is shown a notice linking to the set-up; afterwards it must enroll. Immutable.
 *
 * @param open whether the account may still pass without a second factor
 * @param startedAt when the period started, empty where there is no grace at all
 * @param endsAt when the period ends by days, empty without a day limit
 * @param signInsLeft password sign-ins left after the current one, empty without a sign-in limit
 */
public record EnrollmentGrace(boolean open, Optional<Instant> startedAt, Optional<Instant> endsAt, OptionalInt signInsLeft) {

    /** No grace: the policy has none (or is OPTIONAL), so an account without a second factor is judged at once. */
    public static final EnrollmentGrace NONE = new EnrollmentGrace(false, Optional.empty(), Optional.empty(), OptionalInt.empty());

    /** @throws IllegalArgumentException if an open grace has no start or a count is negative */
    public EnrollmentGrace {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(signInsLeft, "signInsLeft");
        if (open && startedAt.isEmpty()) {
            throw new IllegalArgumentException("An open grace has a start");
        }
        if (signInsLeft.isPresent() && signInsLeft.getAsInt() < 0) {
            throw new IllegalArgumentException("signInsLeft must not be negative");
        }
    }

    @Override
    public String toString() {
        return "EnrollmentGrace[" + (open ? "open" : "closed") + startedAt.map(at -> ", started " + at).orElse("")
                + endsAt.map(at -> ", ends " + at).orElse("")
                + (signInsLeft.isPresent() ? ", " + signInsLeft.getAsInt() + " sign-ins left" : "") + "]";
    }
}
