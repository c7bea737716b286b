package dev.totpguard;

import java.io.Serializable;
import java.security.Principal;
import java.time.Instant;
import java.util.Objects;

/**
 * Marks a JAAS {@code Subject} whose login already checked a TOTP (or recovery) code, so that the servlet
 * filter does not ask for a second one. Only TOTP Guard's own login modules add it; the filter trusts it
 * only for the same user name. Immutable.
 */
public final class TotpVerifiedPrincipal implements Principal, Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final Instant verifiedAt;

    public TotpVerifiedPrincipal(String name, Instant verifiedAt) {
        this.name = Objects.requireNonNull(name, "name");
        this.verifiedAt = Objects.requireNonNull(verifiedAt, "verifiedAt");
    }

    /** The user whose code was checked. */
    @Override
    public String getName() {
        return name;
    }

    public Instant verifiedAt() {
        return verifiedAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TotpVerifiedPrincipal && name.equals(((TotpVerifiedPrincipal) o).name)
                && verifiedAt.equals(((TotpVerifiedPrincipal) o).verifiedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, verifiedAt);
    }

    @Override
    public String toString() {
        return "TotpVerifiedPrincipal[" + name + " at " + verifiedAt + "]";
    }
}
