package dev.totpguard.store;

import dev.totpguard.crypto.SealedSecret;

import java.time.Instant;
import java.util.ArrayList;
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

        Entry(StoredCredential credential, List<RecoveryCodeHash> codes) {
            this.credential = credential;
            this.codes = List.copyOf(codes);
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Generations come from one counter per store, so a user reset and enrolled again never gets an old one. */
    private final AtomicLong generations = new AtomicLong();
    /** Account key to the one stored user id that has it: the in-memory counterpart of the unique index. */
    private final ConcurrentHashMap<String, String> accountKeys = new ConcurrentHashMap<>();
    /** User to the epoch milliseconds of {@link #sessionsValidAfter}; outlives {@link #delete}, as in the JDBC store. */
    private final ConcurrentHashMap<String, Long> sessionsValidAfter = new ConcurrentHashMap<>();
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
                ? new Entry(StoredCredential.builder(name).pending(pending).build(), List.of())
                : new Entry(entry.credential.toBuilder().pending(pending).build(), entry.codes));
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
            return new Entry(activated, codes);
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
            return new Entry(credential.toBuilder().lastUsedStep(to).failures(0).lockedUntil(null).build(), entry.codes);
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
            return new Entry(credential.toBuilder().failures(expectedFailures + 1).lockedUntil(lockUntil).build(), entry.codes);
        });
        return done.get();
    }

    @Override
    public void resetFailures(String user) {
        entries.computeIfPresent(user, (name, entry) ->
                new Entry(entry.credential.toBuilder().failures(0).lockedUntil(null).build(), entry.codes));
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
                    return new Entry(entry.credential.toBuilder().failures(0).lockedUntil(null).build(), codes);
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
            return new Entry(entry.credential, codes);
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
            return new Entry(builder.build(), entry.codes);
        });
        return done.get();
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
