package dev.totpguard.store;

import dev.totpguard.crypto.SealedSecret;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable second-factor state: the operations a correct TOTP verifier needs, each atomic on its own, so that
 * several application nodes sharing one store accept a code once (RFC 6238 section 5.2) and enforce one
 * failure limit (RFC 4226 section 7.3: "across login sessions", i.e. across nodes and parallel requests).
 *
 * <p>Every method is atomic: it happens completely or not at all, and a crash leaves the old state or the
 * new one. The conditional methods ({@code boolean} results) are compare-and-set operations: they change
 * nothing and return {@code false} when the stored state is no longer what the caller read, and the caller
 * re-reads and decides. Times come from the caller's clock (one UTC clock for all nodes, as TOTP itself
 * requires), never from the store.
 *
 * <p>Implementations hold secrets only sealed ({@link SealedSecret}) and recovery codes only hashed. They
 * are thread-safe. Any failure of the underlying storage is a {@link StoreException} with the cause chained;
 * callers fail closed on it. User names are compared exactly (case-sensitive); in addition each stored user id
 * has an {@link AccountKey}, unique in the store, so that {@link #usersWithAccountKey} can tell which stored id
 * another spelling of a name belongs to.
 */
public interface CredentialStore {

    /** The user's credential, or empty if the user never enrolled or was reset. */
    Optional<StoredCredential> find(String user) throws StoreException;

    /**
     * Stores a new pending enrollment, replacing an older pending one. An active secret, the last used step
     * and the failure count stay as they are: the active secret keeps working until the pending one is
     * confirmed, and starting an enrollment never clears a lock. Creates the credential if there is none.
     *
     * @throws AccountAliasException if there is none and another stored user id has the same {@link AccountKey}
     */
    void savePending(String user, SecretRecord pending) throws StoreException;

    /**
     * Confirms the pending enrollment, in one transaction: the pending secret becomes the active one with
     * {@code lastUsedStep} (the step of the code that confirmed it, which is thereby used), the confirmation
     * time is {@code now}, failures and lock are cleared, and the recovery codes are replaced by
     * {@code recoveryCodeHashes} (all unused), and the credential gets a new {@linkplain StoredCredential#generation()
     * generation} that this user's credential never had before. Nothing of this is visible unless all of it is.
     *
     * @param expectedPending the pending record the caller verified the code against, including its
     *     {@linkplain SecretRecord#nonceHash() nonce hash}
     * @return {@code false}, changing nothing, if the pending record is no longer {@code expectedPending}
     *     (replaced by a new enrollment, bound to another nonce, confirmed concurrently, or the user was reset)
     */
    boolean activate(String user, SecretRecord expectedPending, long lastUsedStep, List<String> recoveryCodeHashes, Instant now)
            throws StoreException;

    /**
     * Compare-and-set of the last used time step: sets it to {@code to} only if the credential is active, its
     * {@linkplain StoredCredential#generation() generation} is still {@code generation} (the secret the code was
     * checked against was not reset and replaced meanwhile) and its last used step is still {@code from}; in the
     * same atomic step the failure count and lock are cleared, since an accepted code ends a run of failures. Of
     * several nodes that accept the same code at the same moment, exactly one gets {@code true}.
     *
     * @param generation the generation of the credential the caller read and checked the code against
     * @throws IllegalArgumentException unless {@code to > from}: the last used step only moves forward
     */
    boolean advanceLastUsedStep(String user, long generation, long from, long to) throws StoreException;

    /**
     * Counts one attempt as failed <em>before</em> its code is evaluated, so that parallel guesses cannot
     * outrun the limit (Keycloak CVE-2024-4629 counted after checking): only if the failure count is still
     * {@code expectedFailures} and the credential is not locked at {@code now}, sets the count to
     * {@code expectedFailures + 1} and the lock to {@code lockUntil}. A success later clears both
     * ({@link #advanceLastUsedStep}, {@link #consumeRecoveryCode}); nothing else but {@link #resetFailures}
     * lowers the count.
     *
     * @param lockUntil the lock to set with this count, {@code null} for none (below the threshold)
     * @return {@code true} if this attempt was counted and may be evaluated; {@code false} if the count
     *     changed meanwhile (re-read and retry) or the lock holds (refuse); also {@code false} for an unknown user
     */
    boolean recordFailure(String user, int expectedFailures, Instant lockUntil, Instant now) throws StoreException;

    /** Clears the failure count and the lock (an administrator's unlock). Does nothing for an unknown user. */
    void resetFailures(String user) throws StoreException;

    /** The user's recovery code hashes in their stored order, used ones included; empty for an unknown user. */
    List<RecoveryCodeHash> recoveryCodes(String user) throws StoreException;

    /**
     * Marks one recovery code used, once: only if a code with exactly this hash exists for the user and is
     * still unused. In the same transaction the failure count and lock are cleared. Of concurrent uses of one
     * code, exactly one gets {@code true}.
     */
    boolean consumeRecoveryCode(String user, String hash, Instant now) throws StoreException;

    /**
     * Replaces all recovery codes of an active credential with new unused ones, in one transaction: the old
     * codes stop working exactly when the new ones start.
     *
     * @return {@code false}, changing nothing, if the user has no active credential
     */
    boolean replaceRecoveryCodes(String user, List<String> hashes) throws StoreException;

    /**
     * Replaces the sealing of a user's secrets (key rotation), only if both are still the ones the caller
     * read: {@code expectedActive} and {@code expectedPending} ({@code null} where there is none).
     *
     * @param newActive the re-sealed active secret, {@code null} if there is none
     * @param newPending the re-sealed pending secret, {@code null} if there is none
     */
    boolean updateSealedSecrets(String user, SealedSecret expectedActive, SealedSecret newActive,
            SealedSecret expectedPending, SealedSecret newPending) throws StoreException;

    /**
     * Removes the user's credential, pending enrollment, recovery codes and additional authenticators, in one transaction.
     *
     * @return {@code false} if there was nothing to remove
     */
    boolean delete(String user) throws StoreException;

    /** Every user with a credential (active or pending), sorted; for key rotation and administration. */
    List<String> listUsers() throws StoreException;

    /**
     * The stored user ids whose {@link AccountKey#of(String) account key} is {@code accountKey}, sorted: at most
     * one in a store that keeps the key unique (both shipped stores do, and {@link #savePending} of a new user whose
     * key another stored id already has throws {@link AccountAliasException}). The default scans
     * {@link #listUsers()}; stores override it with an indexed look-up.
     */
    default List<String> usersWithAccountKey(String accountKey) throws StoreException {
        java.util.Objects.requireNonNull(accountKey, "accountKey");
        List<String> owners = new java.util.ArrayList<>();
        for (String user : listUsers()) {
            if (AccountKey.of(user).equals(accountKey)) {
                owners.add(user);
            }
        }
        return owners;
    }

    /**
     * The instant before which every session of the account that passed the second factor is over: the last
     * {@link #revokeSessions} of this user, {@link Instant#EPOCH} if there was none. Kept apart from the credential,
     * so that it survives {@link #delete} (a reset or a disable must end the sessions it leaves behind).
     */
    Instant sessionsValidAfter(String user) throws StoreException;

    /**
     * Ends every session of the account that passed the second factor so far, on every node: sets
     * {@link #sessionsValidAfter} to {@code now}, or to one millisecond after the stored instant if {@code now} is
     * not later, so that every revocation gives a new, larger value (a session remembers the value it was verified
     * under, and a node's clock may lag another's). Atomic; works for users without a credential too.
     *
     * @return the stored instant after this revocation (a concurrent revocation may have raised it further)
     */
    Instant revokeSessions(String user, Instant now) throws StoreException;

    // ---- authenticators beyond the first (issue 17): the credential's active secret is the first one

    /**
     * The account's authenticators beyond the credential's own active secret, pending ones included, oldest first
     * (by creation time, then id); empty for an unknown user. The default has none: a store written before several
     * authenticators existed keeps working with one.
     */
    default List<StoredAuthenticator> authenticators(String user) throws StoreException {
        java.util.Objects.requireNonNull(user, "user");
        return List.of();
    }

    /**
     * Stores a pending addition under {@code id} (its {@code pending} record carries the nonce hash of the session that
     * started it), replacing the user's older pending addition, if any: one addition waits at a time, as one enrollment
     * does. Active authenticators, the credential, the failure count and the lock stay as they are.
     *
     * @return {@code false}, changing nothing, if the user has no active credential (only an enrolled account adds
     *     authenticators)
     */
    default boolean savePendingAuthenticator(String user, String id, SecretRecord pending) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps one authenticator per account: implement CredentialStore.savePendingAuthenticator");
    }

    /**
     * Confirms the pending addition {@code id}, in one transaction, only if it is still {@code expectedPending} (nonce
     * hash included), the credential is active and the account has fewer than {@code maxAuthenticators} active
     * authenticators (the credential's own counted): it becomes active with {@code lastUsedStep} (the step of the code
     * that confirmed it), confirmation time {@code now} and a generation this user never had; the failure count and lock
     * are cleared. Of concurrent confirmations of several additions on several nodes, no more than the limit succeed.
     *
     * @return {@code false}, changing nothing, if any condition fails
     */
    default boolean activateAuthenticator(String user, String id, SecretRecord expectedPending, long lastUsedStep, Instant now,
            int maxAuthenticators) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps one authenticator per account: implement CredentialStore.activateAuthenticator");
    }

    /**
     * {@link #advanceLastUsedStep} for the additional authenticator {@code id}: sets its last used step to {@code to}
     * only if it is active, its generation is {@code generation} and its last used step is still {@code from}; in the
     * same transaction the account's failure count and lock are cleared. Of several nodes that accept the same code of
     * this authenticator at once, exactly one gets {@code true}.
     *
     * @throws IllegalArgumentException unless {@code to > from}
     */
    default boolean advanceAuthenticatorStep(String user, String id, long generation, long from, long to) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps one authenticator per account: implement CredentialStore.advanceAuthenticatorStep");
    }

    /** Removes the additional authenticator {@code id} (pending or active); {@code false} if the user has none with that id. */
    default boolean deleteAuthenticator(String user, String id) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps one authenticator per account: implement CredentialStore.deleteAuthenticator");
    }

    /**
     * Removes the credential's own secret by putting the active additional authenticator {@code id} in its place, in one
     * transaction: the credential's active secret, label, confirmation time, last used step and generation become that
     * authenticator's, and its row goes. The credential's pending enrollment, failure count, lock and recovery codes stay.
     *
     * @param expectedGeneration the credential generation the caller read: the first authenticator it means to remove
     * @return {@code false}, changing nothing, if the credential's generation is no longer {@code expectedGeneration} or
     *     {@code id} is not an active authenticator of the user
     */
    default boolean promoteAuthenticator(String user, long expectedGeneration, String id) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps one authenticator per account: implement CredentialStore.promoteAuthenticator");
    }

    /**
     * Replaces the sealing of the additional authenticator {@code id}'s secret (key rotation), only if it is still
     * {@code expected}.
     */
    default boolean updateAuthenticatorSecret(String user, String id, SealedSecret expected, SealedSecret replacement)
            throws StoreException {
        throw new StoreException(getClass().getName() + " keeps one authenticator per account: implement CredentialStore.updateAuthenticatorSecret");
    }

    // ---- trusted browsers ("remember this browser"): keyed by the account key, only token hashes stored

    /**
     * Stores a trusted browser under {@code tokenHash} (the SHA-256 of its token), in one transaction with the upkeep
     * of its account: the account's expired entries go, and of the rest only the newest {@code maxPerAccount}
     * (this one included) stay, the oldest evicted first.
     */
    void saveTrustedBrowser(TrustedBrowser browser, String tokenHash, int maxPerAccount, Instant now) throws StoreException;

    /** The trusted browser stored under {@code tokenHash}, expired or not (the caller checks); empty if there is none. */
    Optional<TrustedBrowser> findTrustedBrowser(String tokenHash) throws StoreException;

    /** The account's trusted browsers, expired ones included, oldest first. */
    List<TrustedBrowser> trustedBrowsers(String accountKey) throws StoreException;

    /** Deletes one trusted browser of the account; {@code false} if the account has none with this id. */
    boolean deleteTrustedBrowser(String accountKey, String id) throws StoreException;

    /** Deletes every trusted browser of the account; returns how many there were. */
    int deleteTrustedBrowsers(String accountKey) throws StoreException;

    /** Deletes the trusted browsers of every account that expired at or before {@code now}; returns how many. */
    int purgeTrustedBrowsers(Instant now) throws StoreException;

    /**
     * The enrollment grace kept under {@code key} (an {@link AccountKey}, or {@link GraceRecord#ENFORCEMENT_KEY}),
     * created with {@code startedAt} and no sign-ins if there is none. An existing record is returned as it is: of
     * concurrent first calls on several nodes, one start wins and every caller gets it. Kept apart from the credential
     * ({@link #delete} leaves it). The default throws, so a store written before grace periods existed fails closed.
     */
    default GraceRecord startGrace(String key, Instant startedAt) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps no enrollment grace: implement CredentialStore.startGrace");
    }

    /**
     * Counts one password sign-in in the grace under {@code key}, atomically (so across nodes): the record's sign-ins
     * plus one, creating it with {@code startedAt} and one sign-in if there is none. Returns the record afterwards,
     * which includes sign-ins counted concurrently on other nodes (never fewer than this one).
     */
    default GraceRecord countGraceSignIn(String key, Instant startedAt) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps no enrollment grace: implement CredentialStore.countGraceSignIn");
    }

    /**
     * A new grace under {@code key}: started at {@code startedAt}, no sign-ins, replacing what was there (an
     * administrator's explicit grant; nothing else restarts a grace).
     */
    default void restartGrace(String key, Instant startedAt) throws StoreException {
        throw new StoreException(getClass().getName() + " keeps no enrollment grace: implement CredentialStore.restartGrace");
    }
}
