package dev.totpguard.example.web;

import dev.totpguard.EnrollmentGrace;
import dev.totpguard.TwoFactorService;
import dev.totpguard.example.data.Text;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.GraceRecord;
import dev.totpguard.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The grace period of the example's setting "Require two-factor authentication for all administrators" (the launcher's
 * {@code --grace-days} and {@code --grace-sign-ins}): while an administrator without a second factor is within it, the
 * admin pages open with a banner linking to the set-up; afterwards every admin page leads to the set-up.
 *
 * <p>The period is TOTP Guard's enrollment grace, kept in the credential store ({@link GraceRecord}) and judged by
 * {@link TwoFactorService#enrollmentGrace} of a service whose policy is REQUIRED with the grace: the setting is switched
 * at run time, so the service of the login and the filter stays OPTIONAL. An administrator's period starts once, at the
 * later of "enforcement turned on" ({@link #enforcementTurnedOn}) and when the administrator was added, and nothing
 * starts it again: not a sign-in, a restart, turning the setting off and on, nor a reset of the second factor. Every
 * store failure is a {@link StoreException}, so the caller refuses the request (fail closed). Immutable and thread-safe.
 */
public final class EnforcementGrace {

    private static final EnforcementGrace NONE = new EnforcementGrace(null, null);

    private final TwoFactorService judge;
    private final CredentialStore store;

    private EnforcementGrace(TwoFactorService judge, CredentialStore store) {
        this.judge = judge;
        this.store = store;
    }

    /** No grace: the setting sends every administrator without a second factor to the set-up at once. */
    public static EnforcementGrace none() {
        return NONE;
    }

    /**
     * A grace judged by {@code judge}, whose policy is REQUIRED with a grace, over {@code store}, the store it uses.
     *
     * @throws IllegalArgumentException if the judge's policy has no grace
     */
    public static EnforcementGrace of(TwoFactorService judge, CredentialStore store) {
        Objects.requireNonNull(judge, "judge");
        Objects.requireNonNull(store, "store");
        if (!judge.policy().hasEnrollmentGrace()) {
            throw new IllegalArgumentException("The policy " + judge.policy() + " has no enrollment grace");
        }
        return new EnforcementGrace(judge, store);
    }

    /** Whether there is a grace at all. */
    public boolean exists() {
        return judge != null;
    }

    /** The days of the grace, 0 for no day limit. */
    int days() {
        return exists() ? judge.policy().graceDays() : 0;
    }

    /** The password sign-ins of the grace, 0 for no sign-in limit. */
    int signIns() {
        return exists() ? judge.policy().graceSignIns() : 0;
    }

    /**
     * The setting was turned on: records "enforcement turned on" now, unless a start is recorded already (the first
     * one holds for ever, on every node: turning the setting off and on again gives nobody a new period). Nothing
     * without a grace.
     */
    void enforcementTurnedOn() throws StoreException {
        if (exists()) {
            store.startGrace(GraceRecord.ENFORCEMENT_KEY, judge.clock().instant());
        }
    }

    /**
     * Where {@code user}, who has no active second factor and must have one by the setting, stands; with
     * {@code newSignIn}, the request is the first of a sign-in, which is counted. {@link EnrollmentGrace#NONE} without a
     * grace.
     */
    EnrollmentGrace standing(String user, boolean newSignIn) throws StoreException {
        if (!exists()) {
            return EnrollmentGrace.NONE;
        }
        return newSignIn ? judge.countGraceSignIn(user) : judge.enrollmentGrace(user);
    }

    /**
     * The banner's sentence for an open {@code grace}: "... required in N days", "... after N more sign-ins", or both,
     * whichever the policy limits. Days are counted up, so the last hours still read "in 1 day".
     */
    Text banner(EnrollmentGrace grace) {
        Optional<Integer> days = grace.endsAt().map(this::daysLeft);
        if (days.isPresent() && grace.signInsLeft().isPresent()) {
            return Text.of("grace.banner.both", days.get(), grace.signInsLeft().getAsInt());
        }
        if (days.isPresent()) {
            return Text.of("grace.banner.days", days.get());
        }
        return Text.of("grace.banner.signIns", grace.signInsLeft().orElse(0));
    }

    private int daysLeft(Instant endsAt) {
        Duration left = Duration.between(judge.clock().instant(), endsAt);
        long days = left.toDays() + (left.toDays() * Duration.ofDays(1).toMillis() < left.toMillis() ? 1 : 0);
        return (int) Math.max(1, days);
    }
}
