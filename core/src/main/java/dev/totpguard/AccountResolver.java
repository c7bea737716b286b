package dev.totpguard;

import dev.totpguard.store.StoreException;
import java.util.Optional;

/**
 * Maps the name a login produced (the container principal's name, a name typed into a form) to the account's
 * canonical id: the name as the user source stores it, which is what the credential store is keyed on. A
 * case-insensitive directory (an LDAP/Active Directory realm, a SQL user table with a case-insensitive collation)
 * accepts {@code ADMIN} with admin's password and often reports the name as typed; this resolver turns it back into
 * {@code admin}, so the second factor belongs to the account, not to the spelling.
 *
 * <p>The filter calls it once per login (it keeps the result in the session, never per request), the JAAS module
 * and the Jakarta Authentication module once per login attempt. The default, {@link #asGiven()}, trusts the name:
 * right for realms that report the stored name (TOTP Guard's own password verifiers do).
 *
 * <p>Implementations must be thread-safe, must never return a name taken from the request, and must not return an
 * empty string.
 */
@FunctionalInterface
public interface AccountResolver {

    /**
     * @param login the name the password check established, never {@code null}
     * @return the account's canonical id, or empty when no single account has this name: the login is refused
     * @throws StoreException when the user source cannot be read; the caller fails closed
     */
    Optional<String> account(String login) throws StoreException;

    /** The name as given: for user sources that already report the stored name. */
    static AccountResolver asGiven() {
        return Optional::of;
    }
}
