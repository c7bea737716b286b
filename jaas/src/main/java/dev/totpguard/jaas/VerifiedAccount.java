package dev.totpguard.jaas;

import java.util.Objects;
import java.util.Set;

/**
 * The account a {@link PasswordVerifier} accepted the password of: its user name <em>as the user source stores
 * it</em> (the canonical id, which may differ from the typed name when the source compares names case- or
 * accent-insensitively) and its roles. Every later step — the second factor, the principal, the JAAS shared state
 * — uses {@link #name()}, never the typed name. Immutable.
 *
 * @param name the stored user name, not empty
 * @param roles the account's roles, possibly empty; copied
 */
public record VerifiedAccount(String name, Set<String> roles) {

    public VerifiedAccount {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A verified account has a name");
        }
        roles = Set.copyOf(roles);
    }
}
