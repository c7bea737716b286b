package dev.totpguard.store;

import java.time.Duration;
import java.time.Instant;

/**
 * Windowed attempt counters that throttle by client address and by account name, shared by every node that shares
 * them: {@link dev.totpguard.TwoFactorService}'s per-address limit on code failures and its password attempt limits. Apart from
 * {@link CredentialStore} because they count attempts, not credentials: a counter exists for an address or a name
 * that has no credential at all.
 *
 * <p>Keys are at most 64 ASCII characters; the service derives them from what it counts (code failures of one account
 * from one address, password attempts of one account name, password attempts of one address), so different keys count
 * independently, whatever their window. {@link JdbcCredentialStore#attemptCounters()} keeps them in the store's
 * database, so the limits hold across nodes; {@link InMemoryAttemptCounters} keeps them in one JVM.
 *
 * <p>Implementations are thread-safe; a failure is a {@link StoreException} (the service then fails closed).
 *
 * @see dev.totpguard.TwoFactorService.Builder#attemptCounters(AttemptCounters)
 */
public interface AttemptCounters {

    /**
     * Counts one attempt under a key within a fixed window: starts a new window of length {@code window} at
     * {@code now} when the key has none or its window has ended, and refuses when the key already has {@code limit}
     * attempts in its window. Atomic, so parallel requests cannot exceed the limit, and shared by every node that
     * shares these counters.
     *
     * @return {@code true} if the attempt was counted and may be evaluated
     */
    boolean reserve(String key, int limit, Duration window, Instant now) throws StoreException;

    /** Gives one counted attempt of {@code key} back (never below zero), e.g. after a code was accepted. */
    void release(String key) throws StoreException;

    /** Removes the counters whose window started at or before {@code startedBefore}; returns how many. */
    int purge(Instant startedBefore) throws StoreException;
}
