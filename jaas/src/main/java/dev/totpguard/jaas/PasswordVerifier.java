package dev.totpguard.jaas;

import java.util.Optional;

/**
 * Checks a user's password, the first factor of {@link TotpLoginModule}'s standalone mode and of
 * {@code dev.totpguard.jaspic.TotpServerAuthModule}. Built in: {@link PropertiesPasswordVerifier} (a file of
 * PBKDF2 hashes) and {@link JdbcPasswordVerifier} (a user table).
 *
 * <p>Contract for implementations: do the same work whether the user exists or not (hash against a dummy,
 * see {@link PasswordHash#matchesDummy(char[])}), compare in constant time, never log or keep the password,
 * and do not clear the caller's array (the caller does). Implementations must be thread-safe: one instance
 * serves every login.
 */
public interface PasswordVerifier {

    /**
     * Checks a password.
     *
     * @param user the user name as typed (never {@code null})
     * @param password the password; not modified, not kept
     * @return the account if the password is right, with its user name <em>as stored</em> (a source that finds
     *     {@code admin} for the typed {@code ADMIN} returns {@code admin}) and its roles; empty if the user is
     *     unknown, ambiguous or the password is wrong, with no way to tell these apart
     * @throws PasswordStoreException if the user source cannot be read: the caller must fail closed
     */
    Optional<VerifiedAccount> verify(String user, char[] password) throws PasswordStoreException;
}
