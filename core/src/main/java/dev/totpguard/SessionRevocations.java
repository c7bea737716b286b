package dev.totpguard;

import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.StoreException;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node last read of each account's {@link CredentialStore#sessionsValidAfter}, so that checking a verified
 * session on every request needs no database round trip: an account's value is read again once it is older than
 * {@link TwoFactorPolicy#sessionRefresh()} by the service's clock, so a revocation made on another node is seen here
 * within that time, and one made through this node at once.
 *
 * <p>A hit allocates nothing (one {@link ConcurrentHashMap#get} and a clock read): it runs on every verified request.
 * The map holds at most {@link #MAX_ACCOUNTS} accounts; when it is full, entries past their refresh time go first,
 * then arbitrary ones (an evicted account is simply read again). A store that fails while an entry is read again
 * throws, and the caller fails that request closed; a stale value is never used past its time. Hand-written rather
 * than a cache library: none would be allowed to serve a stale entry on a failed refresh, and a new jar would enter
 * every container's class path. Thread-safe.
 */
final class SessionRevocations {

    /** Accounts kept at most; one entry is about 100 bytes, so the bound is about 1 MB. */
    static final int MAX_ACCOUNTS = 10_000;

    /** One account's value and when it was read, both epoch milliseconds. Replaced, never changed. */
    private record Entry(long validAfter, long readAt) {
    }

    private final CredentialStore store;
    private final Clock clock;
    private final long refreshMillis;
    private final ConcurrentHashMap<String, Entry> accounts = new ConcurrentHashMap<>();
    /**
     * Trusted browsers ({@code TrustedBrowser.id()}, random and never reused) that were there when last read, and when
     * (epoch milliseconds): a session a trusted browser verified lives while its browser does. A browser found gone is
     * dropped, never remembered: the session it verified ends, and nothing asks again.
     */
    private final ConcurrentHashMap<String, Seen> browsers = new ConcurrentHashMap<>();

    /** A trusted browser of {@code user} found there at {@code readAt} (epoch milliseconds). Replaced, never changed. */
    private record Seen(String user, long readAt) {
    }

    SessionRevocations(CredentialStore store, Clock clock, long refreshMillis) {
        this.store = store;
        this.clock = clock;
        this.refreshMillis = refreshMillis;
    }

    /** The account's value from the store now (epoch milliseconds), remembered for the next checks. */
    long read(String user) throws StoreException {
        long now = clock.millis();
        long validAfter = store.sessionsValidAfter(user).toEpochMilli();
        remember(user, validAfter, now);
        return validAfter;
    }

    /**
     * Whether a session verified when the account's value was {@code validAfterAtVerification} is still valid: no
     * revocation since, as far as this node knows within the refresh time.
     */
    boolean isCurrent(String user, long validAfterAtVerification) throws StoreException {
        long now = clock.millis();
        Entry entry = accounts.get(user);
        long validAfter;
        // A clock that went back also reads again: the entry's age is unknown then.
        if (entry == null || now - entry.readAt() >= refreshMillis || now < entry.readAt()) {
            validAfter = read(user);
        } else {
            validAfter = entry.validAfter();
        }
        // The values only grow; a session verified under a newer value than this node has read yet is valid.
        return validAfterAtVerification >= validAfter;
    }

    /** A revocation made through this node: every later check here sees it at once. */
    void revoked(String user, long validAfter) {
        remember(user, validAfter, clock.millis());
    }

    /**
     * Whether the trusted browser {@code id} was found there within the refresh time (a clock that went back: not);
     * otherwise the caller reads the store and reports {@link #trustedBrowserSeen} or {@link #trustedBrowserGone}.
     * Allocates nothing.
     */
    boolean isTrustedBrowserRemembered(String user, String id) {
        long now = clock.millis();
        Seen seen = browsers.get(id);
        return seen != null && seen.user().equals(user) && now - seen.readAt() < refreshMillis && now >= seen.readAt();
    }

    /** A trusted browser of {@code user} was found there just now (it verified a session). */
    void trustedBrowserSeen(String user, String id) {
        long now = clock.millis();
        if (browsers.size() >= MAX_ACCOUNTS && !browsers.containsKey(id)) {
            browsers.values().removeIf(seen -> now - seen.readAt() >= refreshMillis || now < seen.readAt());
            Iterator<String> ids = browsers.keySet().iterator();
            while (browsers.size() >= MAX_ACCOUNTS * 3 / 4 && ids.hasNext()) {
                ids.next();
                ids.remove();
            }
        }
        browsers.put(id, new Seen(user, now));
    }

    /** A trusted browser was deleted through this node: every later check here reads the store, and finds it gone. */
    void trustedBrowserGone(String id) {
        browsers.remove(id);
    }

    /** How many accounts are remembered now. */
    int size() {
        return accounts.size();
    }

    private void remember(String user, long validAfter, long readAt) {
        if (accounts.size() >= MAX_ACCOUNTS && !accounts.containsKey(user)) {
            evict(readAt);
        }
        // Never lower a value: a slower read that started before a revocation must not hide it.
        accounts.merge(user, new Entry(validAfter, readAt),
                (old, fresh) -> old.validAfter() > fresh.validAfter() ? new Entry(old.validAfter(), fresh.readAt()) : fresh);
    }

    private void evict(long now) {
        accounts.values().removeIf(entry -> now - entry.readAt() >= refreshMillis || now < entry.readAt());
        Iterator<String> users = accounts.keySet().iterator();
        while (accounts.size() >= MAX_ACCOUNTS * 3 / 4 && users.hasNext()) {
            users.next();
            users.remove();
        }
    }
}
