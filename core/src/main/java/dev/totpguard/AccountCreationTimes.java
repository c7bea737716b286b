package dev.totpguard;

import dev.totpguard.store.StoreException;
import java.time.Instant;
import java.util.Optional;

/**
 * When an application's accounts were created, for the enrollment grace ({@link TwoFactorService#enrollmentGrace}): an
 * account created after enforcement was turned on gets its own full period from its creation. Without it (the
 * default), TOTP Guard starts an account's period at the later of "enforcement turned on" and the account's first
 * sign-in it sees. Implementations are thread-safe. Asked on every request of a user within the grace (while the
 * period is open the filter reads it per request), so an implementation reads an index or a cache, never a scan.
 */
@FunctionalInterface
public interface AccountCreationTimes {

    /**
     * When {@code user} (the canonical id) was created, or empty if unknown.
     *
     * @throws StoreException if the application's user store cannot be read: the request is refused (fail closed)
     */
    Optional<Instant> createdAt(String user) throws StoreException;
}
