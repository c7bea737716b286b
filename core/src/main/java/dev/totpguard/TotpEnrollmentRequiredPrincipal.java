package dev.totpguard;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * Marks a login that TOTP Guard's JAAS login module let in although the user has no active TOTP yet (option
 * {@code totpguard.jaas.not-enrolled=enroll}): the password was checked, no code was. The application or the
 * TOTP Guard filter must send such a user to enrollment before any protected page. It is never a
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
