package dev.totpguard;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * Marks a login that an application's own login let in although the user has no active TOTP yet: the password was
 * checked, no code was. The TOTP Guard filter sends such a user to enrollment before any protected page. (TOTP
 * Guard's own JAAS and Jakarta Authentication modules never let such a user in: a realm is shared by applications
 * that know nothing of this mark.) It is never a
 * {@link TotpVerifiedPrincipal}. Immutable.
 */
public final class TotpEnrollmentRequiredPrincipal implements Principal, Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;

    public TotpEnrollmentRequiredPrincipal(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TotpEnrollmentRequiredPrincipal && name.equals(((TotpEnrollmentRequiredPrincipal) o).name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "TotpEnrollmentRequiredPrincipal[" + name + "]";
    }
}
