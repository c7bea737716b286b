package dev.totpguard.store;

import dev.totpguard.crypto.SealedSecret;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link CredentialStore} in the heap of one JVM: for a single node, tests, benchmarks and demos. Its state
 * is lost on restart and is not shared between nodes; use {@link JdbcCredentialStore} for a cluster.
 *
 * <p>Thread-safe without a global lock: each user's state is one immutable value in a
 * {@link ConcurrentHashMap}, replaced with {@code compute}, so every operation is atomic for that user and
 * different users never wait for each other. Holds secrets sealed and recovery codes hashed, like any store.
 */
public final class InMemoryCredentialStore implements CredentialStore {

    /** A user's whole state, replaced as a unit. */
    private static final class Entry {
        final StoredCredential credential;
        final List<RecoveryCodeHash> codes;
        /** The authenticators beyond the credential's own, oldest first. */
        final List<StoredAuthenticator> authenticators;

        Entry(StoredCredential credential, List<RecoveryCodeHash> codes, List<StoredAuthenticator> authenticators) {
            this.credential = credential;
            this.codes = List.copyOf(codes);
            this.authenticators = List.copyOf(authenticators);
        }

        Entry with(StoredCredential changed) {
            return new Entry(changed, codes, authenticators);
        }

        Entry withCodes(StoredCredential changed, List<RecoveryCodeHash> changedCodes) {
            return new Entry(changed, changedCodes, authenticators);
        }

        Entry withAuthenticators(StoredCredential changed, List<StoredAuthenticator> changedAuthenticators) {
            return new Entry(changed, codes, changedAuthenticators);
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Generations come from one counter per store, so a user reset and enrolled again never gets an old one. */
    private final AtomicLong generations = new AtomicLong();
    /** Account key to the one stored user id that has it: the in-memory counterpart of the unique index. */
    private final ConcurrentHashMap<String, String> accountKeys = new ConcurrentHashMap<>();
    /** User to the epoch milliseconds of {@link #sessionsValidAfter}; outlives {@link #delete}, as in the JDBC store. */
    private final ConcurrentHashMap<String, Long> sessionsValidAfter = new ConcurrentHashMap<>();
    /** Token hash to trusted browser; changed only under {@link #trustedLock}, so an account's upkeep is atomic. */
    private final java.util.HashMap<String, TrustedBrowser> trustedBrowsers = new java.util.HashMap<>();
    private final Object trustedLock = new Object();
    /** Grace key to its record; outlives {@link #delete}, as in the JDBC store. */
    private final ConcurrentHashMap<String, GraceRecord> graces = new ConcurrentHashMap<>();

    public InMemoryCredentialStore() {
    }

    @Override
    public Optional<StoredCredential> find(String user) {
        Entry entry = entries.get(Objects.requireNonNull(user, "user"));
        return entry == null ? Optional.empty() : Optional.of(entry.credential);
    }

    @Override
    public void savePending(String user, SecretRecord pending) throws AccountAliasException {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(user, "user");
        // Claimed before the entry exists and never released while it does, so of two spellings enrolling at
        // once only one gets a credential.
        String owner = accountKeys.putIfAbsent(AccountKey.of(user), user);
        if (owner != null && !owner.equals(user)) {
            throw new AccountAliasException(user);
        }
        entries.compute(Objects.requireNonNull(user, "user"), (name, entry) -> entry == null
                ? new Entry(StoredCredential.builder(name).pending(pending).build(), List.of(), List.of())
                : entry.with(entry.credential.toBuilder().pending(pending).build()));
    }

    @Override
    public boolean activate(String user, SecretRecord expectedPending, long lastUsedStep, List<String> recoveryCodeHashes, Instant now) {
        Objects.requireNonNull(expectedPending, "expectedPending");
        Objects.requireNonNull(now, "now");
        List<RecoveryCodeHash> codes = unused(recoveryCodeHashes);
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(user, (name, entry) -> {
            if (!expectedPending.equals(entry.credential.pending().orElse(null))) {
                return entry;
            }
            done.set(true);
            StoredCredential activated = entry.credential.toBuilder()
                    .active(expectedPending.withNonceHash(null), now).pending(null).lastUsedStep(lastUsedStep)
                    .failures(0).lockedUntil(null).generation(generations.incrementAndGet())
                    .build();
            return entry.withCodes(activated, codes);
        });
        return done.get();
    }

    @Override
    public boolean advanceLastUsedStep(String user, long generation, long from, long to) {
        if (to <= from) {
            throw new IllegalArgumentException("The last used step only moves forward: " + from + " -> " + to);
        }
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(user, (name, entry) -> {
            StoredCredential credential = entry.credential;
            if (!credential.isActive() || credential.generation() != generation || credential.lastUsedStep() != from) {
                return entry;
            }
            done.set(true);
            return entry.with(credential.toBuilder().lastUsedStep(to).failures(0).lockedUntil(null).build());
        });
        return done.get();
    }

    @Override
    public boolean recordFailure(String user, int expectedFailures, Instant lockUntil, Instant now) {
        Objects.requireNonNull(now, "now");
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(user, (name, entry) -> {
            StoredCredential credential = entry.credential;
            if (credential.failures() != expectedFailures || credential.isLockedAt(now)) {
                return entry;
            }
            done.set(true);
            return entry.with(credential.toBuilder().failures(expectedFailures + 1).lockedUntil(lockUntil).build());
        });
        return done.get();
    }

    @Override
    public void resetFailures(String user) {
        entries.computeIfPresent(user, (name, entry) ->
                entry.with(entry.credential.toBuilder().failures(0).lockedUntil(null).build()));
    }

    @Override
    public List<RecoveryCodeHash> recoveryCodes(String user) {
        Entry entry = entries.get(Objects.requireNonNull(user, "user"));
        return entry == null ? List.of() : entry.codes;
    }

    @Override
    public boolean consumeRecoveryCode(String user, String hash, Instant now) {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(now, "now");
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(user, (name, entry) -> {
            List<RecoveryCodeHash> codes = new ArrayList<>(entry.codes);
            for (int i = 0; i < codes.size(); i++) {
                RecoveryCodeHash code = codes.get(i);
                if (code.hash().equals(hash) && !code.isUsed()) {
                    codes.set(i, RecoveryCodeHash.of(hash, now));
                    done.set(true);
                    return entry.withCodes(entry.credential.toBuilder().failures(0).lockedUntil(null).build(), codes);
                }
            }
            return entry;
        });
        return done.get();
    }

    @Override
    public boolean replaceRecoveryCodes(String user, List<String> hashes) {
        List<RecoveryCodeHash> codes = unused(hashes);
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(user, (name, entry) -> {
            if (!entry.credential.isActive()) {
                return entry;
            }
            done.set(true);
            return entry.withCodes(entry.credential, codes);
        });
        return done.get();
    }

    @Override
    public boolean updateSealedSecrets(String user, SealedSecret expectedActive, SealedSecret newActive,
            SealedSecret expectedPending, SealedSecret newPending) {
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(user, (name, entry) -> {
            StoredCredential credential = entry.credential;
            SecretRecord active = credential.active().orElse(null);
            SecretRecord pending = credential.pending().orElse(null);
            if (!Objects.equals(expectedActive, active == null ? null : active.sealed())
                    || !Objects.equals(expectedPending, pending == null ? null : pending.sealed())
                    || (active == null) != (newActive == null) || (pending == null) != (newPending == null)) {
                return entry;
            }
            done.set(true);
            StoredCredential.Builder builder = credential.toBuilder();
            if (active != null) {
                builder.active(active.withSealed(newActive), credential.confirmedAt().orElseThrow());
            }
            if (pending != null) {
                builder.pending(pending.withSealed(newPending));
            }
            return entry.with(builder.build());
        });
        return done.get();
    }

    @Override
    public List<StoredAuthenticator> authenticators(String user) {
        Entry entry = entries.get(Objects.requireNonNull(user, "user"));
        return entry == null ? List.of() : entry.authenticators;
    }

    @Override
    public boolean savePendingAuthenticator(String user, String id, SecretRecord pending) {
        StoredAuthenticator added = StoredAuthenticator.pending(id, Objects.requireNonNull(pending, "pending"));
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(Objects.requireNonNull(user, "user"), (name, entry) -> {
            if (!entry.credential.isActive()) {
                return entry;
            }
            List<StoredAuthenticator> kept = new ArrayList<>();
            for (StoredAuthenticator authenticator : entry.authenticators) {
                if (authenticator.isActive()) {
                    if (authenticator.id().equals(id)) {
                        return entry;
                    }
                    kept.add(authenticator);
                }
            }
            kept.add(added);
            done.set(true);
            return entry.withAuthenticators(entry.credential, sorted(kept));
        });
        return done.get();
    }

    @Override
    public boolean activateAuthenticator(String user, String id, SecretRecord expectedPending, long lastUsedStep, Instant now,
            int maxAuthenticators) {
        Objects.requireNonNull(expectedPending, "expectedPending");
        Objects.requireNonNull(now, "now");
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(Objects.requireNonNull(user, "user"), (name, entry) -> {
            if (!entry.credential.isActive()) {
                return entry;
            }
            int active = 1;
            int index = -1;
            for (int i = 0; i < entry.authenticators.size(); i++) {
                StoredAuthenticator authenticator = entry.authenticators.get(i);
                if (authenticator.isActive()) {
                    active++;
                } else if (authenticator.id().equals(id) && authenticator.secret().equals(expectedPending)) {
                    index = i;
                }
            }
            if (index < 0 || active >= maxAuthenticators) {
                return entry;
            }
            List<StoredAuthenticator> changed = new ArrayList<>(entry.authenticators);
            changed.set(index, new StoredAuthenticator(id, expectedPending.withNonceHash(null), now, lastUsedStep,
                    generations.incrementAndGet()));
            done.set(true);
            return entry.withAuthenticators(entry.credential.toBuilder().failures(0).lockedUntil(null).build(), changed);
        });
        return done.get();
    }

    @Override
    public boolean advanceAuthenticatorStep(String user, String id, long generation, long from, long to) {
        if (to <= from) {
            throw new IllegalArgumentException("The last used step only moves forward: " + from + " -> " + to);
        }
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(Objects.requireNonNull(user, "user"), (name, entry) -> {
            List<StoredAuthenticator> changed = new ArrayList<>(entry.authenticators);
            for (int i = 0; i < changed.size(); i++) {
                StoredAuthenticator a = changed.get(i);
                if (a.id().equals(id) && a.isActive() && a.generation() == generation && a.lastUsedStep() == from) {
                    changed.set(i, new StoredAuthenticator(a.id(), a.secret(), a.confirmedAt(), to, a.generation()));
                    done.set(true);
                    return entry.withAuthenticators(entry.credential.toBuilder().failures(0).lockedUntil(null).build(), changed);
                }
            }
            return entry;
        });
        return done.get();
    }

    @Override
    public boolean deleteAuthenticator(String user, String id) {
        Objects.requireNonNull(id, "id");
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(Objects.requireNonNull(user, "user"), (name, entry) -> {
            List<StoredAuthenticator> changed = new ArrayList<>(entry.authenticators);
            if (!changed.removeIf(authenticator -> authenticator.id().equals(id))) {
                return entry;
            }
            done.set(true);
            return entry.withAuthenticators(entry.credential, changed);
        });
        return done.get();
    }

    @Override
    public boolean promoteAuthenticator(String user, long expectedGeneration, String id) {
        Objects.requireNonNull(id, "id");
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(Objects.requireNonNull(user, "user"), (name, entry) -> {
            StoredCredential credential = entry.credential;
            if (!credential.isActive() || credential.generation() != expectedGeneration) {
                return entry;
            }
            List<StoredAuthenticator> changed = new ArrayList<>(entry.authenticators);
            for (int i = 0; i < changed.size(); i++) {
                StoredAuthenticator promoted = changed.get(i);
                if (promoted.id().equals(id) && promoted.isActive()) {
                    changed.remove(i);
                    done.set(true);
                    return entry.withAuthenticators(credential.toBuilder().active(promoted.secret(), promoted.confirmedAt())
                            .lastUsedStep(promoted.lastUsedStep()).generation(promoted.generation()).build(), changed);
                }
            }
            return entry;
        });
        return done.get();
    }

    @Override
    public boolean updateAuthenticatorSecret(String user, String id, SealedSecret expected, SealedSecret replacement) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(replacement, "replacement");
        AtomicBoolean done = new AtomicBoolean();
        entries.computeIfPresent(Objects.requireNonNull(user, "user"), (name, entry) -> {
            List<StoredAuthenticator> changed = new ArrayList<>(entry.authenticators);
            for (int i = 0; i < changed.size(); i++) {
                StoredAuthenticator authenticator = changed.get(i);
                if (authenticator.id().equals(id) && authenticator.secret().sealed().equals(expected)) {
                    changed.set(i, authenticator.withSecret(authenticator.secret().withSealed(replacement)));
                    done.set(true);
                    return entry.withAuthenticators(entry.credential, changed);
                }
            }
            return entry;
        });
        return done.get();
    }

    /** Oldest first, then by id: the order both stores list authenticators in. */
    private static List<StoredAuthenticator> sorted(List<StoredAuthenticator> authenticators) {
        List<StoredAuthenticator> copy = new ArrayList<>(authenticators);
        copy.sort(Comparator.comparing((StoredAuthenticator a) -> a.secret().createdAt()).thenComparing(StoredAuthenticator::id));
        return copy;
    }

    @Override
    public boolean delete(String user) {
        boolean removed = entries.remove(Objects.requireNonNull(user, "user")) != null;
        if (removed) {
            accountKeys.remove(AccountKey.of(user), user);
        }
        return removed;
    }

    @Override
    public List<String> usersWithAccountKey(String accountKey) {
        String owner = accountKeys.get(Objects.requireNonNull(accountKey, "accountKey"));
        return owner != null && entries.containsKey(owner) ? List.of(owner) : List.of();
    }

    @Override
    public List<String> listUsers() {
        List<String> users = new ArrayList<>(entries.keySet());
        users.sort(null);
        return users;
    }

    @Override
    public Instant sessionsValidAfter(String user) {
        Long millis = sessionsValidAfter.get(Objects.requireNonNull(user, "user"));
        return millis == null ? Instant.EPOCH : Instant.ofEpochMilli(millis);
    }

    @Override
    public Instant revokeSessions(String user, Instant now) {
        Objects.requireNonNull(user, "user");
        long nowMillis = now.toEpochMilli();
        return Instant.ofEpochMilli(sessionsValidAfter.merge(user, nowMillis,
                (stored, ignored) -> stored < nowMillis ? nowMillis : stored + 1));
    }

    @Override
    public void saveTrustedBrowser(TrustedBrowser browser, String tokenHash, int maxPerAccount, Instant now) {
        Objects.requireNonNull(browser, "browser");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(now, "now");
        if (maxPerAccount < 1) {
            throw new IllegalArgumentException("maxPerAccount must be at least 1");
        }
        synchronized (trustedLock) {
            trustedBrowsers.values().removeIf(stored -> stored.accountKey().equals(browser.accountKey()) && !stored.isValidAt(now));
            List<Map.Entry<String, TrustedBrowser>> kept = new ArrayList<>();
            for (Map.Entry<String, TrustedBrowser> stored : trustedBrowsers.entrySet()) {
                if (stored.getValue().accountKey().equals(browser.accountKey())) {
                    kept.add(stored);
                }
            }
            kept.sort(Comparator.comparing((Map.Entry<String, TrustedBrowser> stored) -> stored.getValue().createdAt())
                    .thenComparing(stored -> stored.getValue().id()));
            for (int i = 0; i < kept.size() - (maxPerAccount - 1); i++) {
                trustedBrowsers.remove(kept.get(i).getKey());
            }
            trustedBrowsers.put(tokenHash, browser);
        }
    }

    @Override
    public Optional<TrustedBrowser> findTrustedBrowser(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        synchronized (trustedLock) {
            return Optional.ofNullable(trustedBrowsers.get(tokenHash));
        }
    }

    @Override
    public List<TrustedBrowser> trustedBrowsers(String accountKey) {
        Objects.requireNonNull(accountKey, "accountKey");
        List<TrustedBrowser> browsers = new ArrayList<>();
        synchronized (trustedLock) {
            for (TrustedBrowser browser : trustedBrowsers.values()) {
                if (browser.accountKey().equals(accountKey)) {
                    browsers.add(browser);
                }
            }
        }
        browsers.sort(Comparator.comparing(TrustedBrowser::createdAt).thenComparing(TrustedBrowser::id));
        return browsers;
    }

    @Override
    public boolean deleteTrustedBrowser(String accountKey, String id) {
        Objects.requireNonNull(accountKey, "accountKey");
        Objects.requireNonNull(id, "id");
        synchronized (trustedLock) {
            return trustedBrowsers.values().removeIf(browser -> browser.accountKey().equals(accountKey) && browser.id().equals(id));
        }
    }

    @Override
    public int deleteTrustedBrowsers(String accountKey) {
        Objects.requireNonNull(accountKey, "accountKey");
        synchronized (trustedLock) {
            int before = trustedBrowsers.size();
            trustedBrowsers.values().removeIf(browser -> browser.accountKey().equals(accountKey));
            return before - trustedBrowsers.size();
        }
    }

    @Override
    public int purgeTrustedBrowsers(Instant now) {
        Objects.requireNonNull(now, "now");
        synchronized (trustedLock) {
            int before = trustedBrowsers.size();
            trustedBrowsers.values().removeIf(browser -> !browser.isValidAt(now));
            return before - trustedBrowsers.size();
        }
    }

    @Override
    public GraceRecord startGrace(String key, Instant startedAt) {
        GraceRecord fresh = new GraceRecord(millis(startedAt), 0);
        return graces.computeIfAbsent(GraceRecord.checkKey(key), ignored -> fresh);
    }

    @Override
    public GraceRecord countGraceSignIn(String key, Instant startedAt) {
        GraceRecord first = new GraceRecord(millis(startedAt), 1);
        return graces.merge(GraceRecord.checkKey(key), first,
                (stored, ignored) -> new GraceRecord(stored.startedAt(), stored.signIns() + 1));
    }

    @Override
    public void restartGrace(String key, Instant startedAt) {
        graces.put(GraceRecord.checkKey(key), new GraceRecord(millis(startedAt), 0));
    }

    /** Milliseconds, as the JDBC store keeps them, so both stores give back the same instants. */
    private static Instant millis(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    @Override
    public String toString() {
        return "InMemoryCredentialStore[" + entries.size() + " users]";
    }

    private static List<RecoveryCodeHash> unused(List<String> hashes) {
        Objects.requireNonNull(hashes, "hashes");
        List<RecoveryCodeHash> codes = new ArrayList<>(hashes.size());
        for (String hash : hashes) {
            codes.add(RecoveryCodeHash.unused(hash));
        }
        return codes;
    }
}
