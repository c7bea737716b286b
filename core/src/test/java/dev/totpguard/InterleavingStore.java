package dev.totpguard;

import dev.totpguard.crypto.SealedSecret;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.RecoveryCodeHash;
import dev.totpguard.store.SecretRecord;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.StoredCredential;
import dev.totpguard.store.TrustedBrowser;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real store with one seam: an action run once just before the next compare-and-set of the last used step,
 * to put another request's work exactly between a verifier's read and its write (what two nodes do by timing).
 */
final class InterleavingStore implements CredentialStore {

    /** Work that the interleaved request does; may call the service again. */
    interface Action {
        void run() throws Exception;
    }

    private final CredentialStore store;
    private final AtomicReference<Action> beforeNextAdvance = new AtomicReference<>();

    InterleavingStore(CredentialStore store) {
        this.store = store;
    }

    void beforeNextAdvance(Action action) {
        beforeNextAdvance.set(action);
    }

    @Override
    public boolean advanceLastUsedStep(String user, long generation, long from, long to) throws StoreException {
        Action action = beforeNextAdvance.getAndSet(null);
        if (action != null) {
            try {
                action.run();
            } catch (Exception e) {
                throw new AssertionError("the interleaved request failed", e);
            }
        }
        return store.advanceLastUsedStep(user, generation, from, to);
    }

    @Override
    public Optional<StoredCredential> find(String user) throws StoreException {
        return store.find(user);
    }

    @Override
    public void savePending(String user, SecretRecord pending) throws StoreException {
        store.savePending(user, pending);
    }

    @Override
    public boolean activate(String user, SecretRecord expectedPending, long lastUsedStep, List<String> recoveryCodeHashes, Instant now)
            throws StoreException {
        return store.activate(user, expectedPending, lastUsedStep, recoveryCodeHashes, now);
    }

    @Override
    public boolean recordFailure(String user, int expectedFailures, Instant lockUntil, Instant now) throws StoreException {
        return store.recordFailure(user, expectedFailures, lockUntil, now);
    }

    @Override
    public void resetFailures(String user) throws StoreException {
        store.resetFailures(user);
    }

    @Override
    public List<RecoveryCodeHash> recoveryCodes(String user) throws StoreException {
        return store.recoveryCodes(user);
    }

    @Override
    public boolean consumeRecoveryCode(String user, String hash, Instant now) throws StoreException {
        return store.consumeRecoveryCode(user, hash, now);
    }

    @Override
    public boolean replaceRecoveryCodes(String user, List<String> hashes) throws StoreException {
        return store.replaceRecoveryCodes(user, hashes);
    }

    @Override
    public boolean updateSealedSecrets(String user, SealedSecret expectedActive, SealedSecret newActive,
            SealedSecret expectedPending, SealedSecret newPending) throws StoreException {
        return store.updateSealedSecrets(user, expectedActive, newActive, expectedPending, newPending);
    }

    @Override
    public boolean delete(String user) throws StoreException {
        return store.delete(user);
    }

    @Override
    public List<String> listUsers() throws StoreException {
        return store.listUsers();
    }

    @Override
    public Instant sessionsValidAfter(String user) throws StoreException {
        return store.sessionsValidAfter(user);
    }

    @Override
    public Instant revokeSessions(String user, Instant now) throws StoreException {
        return store.revokeSessions(user, now);
    }

    @Override
    public void saveTrustedBrowser(TrustedBrowser browser, String tokenHash, int maxPerAccount, Instant now) throws StoreException {
        store.saveTrustedBrowser(browser, tokenHash, maxPerAccount, now);
    }

    @Override
    public Optional<TrustedBrowser> findTrustedBrowser(String tokenHash) throws StoreException {
        return store.findTrustedBrowser(tokenHash);
    }

    @Override
    public List<TrustedBrowser> trustedBrowsers(String accountKey) throws StoreException {
        return store.trustedBrowsers(accountKey);
    }

    @Override
    public boolean deleteTrustedBrowser(String accountKey, String id) throws StoreException {
        return store.deleteTrustedBrowser(accountKey, id);
    }

    @Override
    public int deleteTrustedBrowsers(String accountKey) throws StoreException {
        return store.deleteTrustedBrowsers(accountKey);
    }

    @Override
    public int purgeTrustedBrowsers(Instant now) throws StoreException {
        return store.purgeTrustedBrowsers(now);
    }
}
