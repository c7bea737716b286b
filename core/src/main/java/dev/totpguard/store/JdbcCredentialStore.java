package dev.totpguard.store;

import dev.totpguard.crypto.SealedSecret;

import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.TotpParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link CredentialStore} in a relational database reached through any {@link DataSource}: H2 (embedded, the
 * default that needs no setup), PostgreSQL or MariaDB (for several application nodes). Plain JDBC, no ORM.
 *
 * <p>The schema ships as one SQL file per database under {@code META-INF/totpguard/sql/} ({@code h2.sql},
 * {@code postgresql.sql}, {@code mariadb.sql}); a DBA applies it, or {@link Builder#createSchemaIfMissing(boolean)}
 * runs it at start-up. Table names start with a configurable prefix ({@code totpguard_} by default).
 *
 * <p>Every operation of the {@link CredentialStore} contract is one SQL statement in auto-commit mode or one
 * transaction, so it is atomic across all nodes sharing the database: compare-and-set updates
 * ({@code UPDATE ... WHERE last_used_step = ?}, {@code ... WHERE failures = ?}, {@code ... WHERE used_at IS NULL})
 * carry the decisions that must happen once. Times are stored as UTC epoch milliseconds.
 *
 * <p>Thread-safe; holds no state but its configuration. Any {@link SQLException} becomes a
 * {@link StoreException} naming the operation and the user, with the cause chained.
 */
public final class JdbcCredentialStore implements CredentialStore {

    /** The databases whose schema ships with TOTP Guard. */
    public enum Database {
        H2("h2.sql"),
        POSTGRESQL("postgresql.sql"),
        MARIADB("mariadb.sql");

        private final String schemaFile;

        Database(String schemaFile) {
            this.schemaFile = schemaFile;
        }

        /** The class-path resource of this database's schema, e.g. {@code META-INF/totpguard/sql/h2.sql}. */
        String schemaResource() {
            return "META-INF/totpguard/sql/" + schemaFile;
        }

        /**
         * Recognises a database from its JDBC product name (MySQL counts as MariaDB: same dialect).
         *
         * @throws IllegalArgumentException for any other database
         */
        static Database fromProductName(String productName) {
            String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
            if (name.contains("h2")) {
                return H2;
            }
            if (name.contains("postgres")) {
                return POSTGRESQL;
            }
            if (name.contains("mariadb") || name.contains("mysql")) {
                return MARIADB;
            }
            throw new IllegalArgumentException("No TOTP Guard schema for database '" + productName
                    + "': supported are H2, PostgreSQL and MariaDB");
        }
    }

    /** The prefix in the shipped schema files. */
    public static final String DEFAULT_TABLE_PREFIX = "totpguard_";

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    private static final String ACTIVE = "ACTIVE";
    private static final String PENDING = "PENDING";
    private static final String CREDENTIAL_COLUMNS = "user_id, status, secret_key_id, secret_ciphertext, algorithm, digits, "
            + "period_seconds, device_label, created_at, confirmed_at, last_used_step, pending_key_id, pending_ciphertext, "
            + "pending_algorithm, pending_digits, pending_period_seconds, pending_device_label, pending_created_at, "
            + "failures, locked_until, pending_nonce_hash, secret_generation";
    /**
     * The columns of the credential table this code reads or writes beyond those of the first release, checked at
     * {@link Builder#build()}: an old table without them fails with one message naming the schema file to re-run
     * (it ends with idempotent {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS} statements). Extend the list when a
     * column is added the same way.
     */
    static final List<String> REQUIRED_CREDENTIAL_COLUMNS = List.of("pending_nonce_hash", "secret_generation", "account_key");

    private static final System.Logger LOG = System.getLogger(JdbcCredentialStore.class.getName());

    private final DataSource dataSource;
    private final String prefix;
    private final String credential;
    private final String recoveryCode;
    private final AttemptCounters attemptCounters;
    private final String sessionRevocation;
    private final String trustedBrowser;
    private final String enrollmentGrace;
    private final String authenticator;
    private final Database database;
    /** Source of credential generations: random, because a reset deletes the row that a counter would live in. */
    private final SecureRandom random = new SecureRandom();
    /** Set once the columns were checked and old rows got their account key; until then every look-up by key checks. */
    private volatile boolean schemaReady;

    private JdbcCredentialStore(Builder builder) {
        this.dataSource = builder.dataSource;
        this.prefix = builder.tablePrefix;
        this.credential = prefix + "credential";
        this.recoveryCode = prefix + "recovery_code";
        this.attemptCounters = new JdbcAttemptCounters(builder.dataSource, prefix + "address_failure");
        this.sessionRevocation = prefix + "session_revocation";
        this.trustedBrowser = prefix + "trusted_browser";
        this.enrollmentGrace = prefix + "enrollment_grace";
        this.authenticator = prefix + "authenticator";
        this.database = builder.database;
    }

    /** A builder for a store over {@code dataSource}; nothing touches the database until {@link Builder#build()}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The DDL for a database with a table prefix: the shipped schema file with {@code totpguard_} replaced.
     *
     * @throws IllegalArgumentException if the prefix is not a lower-case SQL identifier of at most 31 characters
     */
    public static String schemaSql(Database database, String tablePrefix) {
        checkPrefix(tablePrefix);
        String resource = database.schemaResource();
        try (InputStream in = JdbcCredentialStore.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Schema resource " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(DEFAULT_TABLE_PREFIX, tablePrefix);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
    }

    /**
     * Creates the tables and indexes that do not exist yet ({@code CREATE ... IF NOT EXISTS}); existing tables
     * and their rows are left alone.
     *
     * @throws StoreException if the database cannot be reached, is not supported, or refuses the DDL
     */
    private void createSchemaIfMissing() throws StoreException {
        try (Connection connection = dataSource.getConnection()) {
            Database target = database != null ? database : detect(connection.getMetaData());
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(schemaSql(target, prefix))) {
                    statement.execute(sql);
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot create the TOTP Guard tables (prefix " + prefix + "): " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<StoredCredential> find(String user) throws StoreException {
        Objects.requireNonNull(user, "user");
        String sql = "SELECT " + CREDENTIAL_COLUMNS + " FROM " + credential + " WHERE user_id = ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(readCredential(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read the credential", user, e);
        }
    }

    @Override
    public void savePending(String user, SecretRecord pending) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(pending, "pending");
        String update = "UPDATE " + credential + " SET pending_key_id = ?, pending_ciphertext = ?, pending_algorithm = ?, "
                + "pending_digits = ?, pending_period_seconds = ?, pending_device_label = ?, pending_created_at = ?, "
                + "pending_nonce_hash = ? WHERE user_id = ?";
        String insert = "INSERT INTO " + credential + " (user_id, status, created_at, last_used_step, failures, pending_key_id, "
                + "pending_ciphertext, pending_algorithm, pending_digits, pending_period_seconds, pending_device_label, "
                + "pending_created_at, pending_nonce_hash, account_key) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        String accountKey = AccountKey.of(user);
        ensureSchemaReady();
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            // Update-else-insert in portable SQL; a concurrent first enrollment makes the insert hit the primary
            // key, and the retried update then wins. Each statement is atomic on its own.
            for (int attempt = 0; attempt < 3; attempt++) {
                try (PreparedStatement statement = connection.prepareStatement(update)) {
                    bindSecret(statement, 1, pending);
                    statement.setString(8, pending.nonceHash().orElse(null));
                    statement.setString(9, user);
                    if (statement.executeUpdate() == 1) {
                        return;
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(insert)) {
                    statement.setString(1, user);
                    statement.setString(2, PENDING);
                    statement.setLong(3, pending.createdAt().toEpochMilli());
                    statement.setLong(4, dev.totpguard.otp.Totp.NO_STEP_USED);
                    bindSecret(statement, 5, pending);
                    statement.setString(12, pending.nonceHash().orElse(null));
                    statement.setString(13, accountKey);
                    statement.executeUpdate();
                    return;
                } catch (SQLException e) {
                    if (!isIntegrityViolation(e)) {
                        throw e;
                    }
                }
                // The unique account key, not the primary key, refused the insert: another spelling of this
                // account was stored first (possibly a moment ago on another node).
                for (String owner : usersWithAccountKey(accountKey)) {
                    if (!owner.equals(user)) {
                        throw new AccountAliasException(user);
                    }
                }
            }
            throw new StoreException("Could not save the pending enrollment of user '" + user + "': it changed concurrently");
        } catch (SQLException e) {
            throw failure("save the pending enrollment", user, e);
        }
    }

    @Override
    public boolean activate(String user, SecretRecord expectedPending, long lastUsedStep, List<String> recoveryCodeHashes, Instant now)
            throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(expectedPending, "expectedPending");
        Objects.requireNonNull(now, "now");
        checkHashes(recoveryCodeHashes);
        String activate = "UPDATE " + credential + " SET status = ?, secret_key_id = ?, secret_ciphertext = ?, algorithm = ?, "
                + "digits = ?, period_seconds = ?, device_label = ?, created_at = ?, confirmed_at = ?, last_used_step = ?, "
                + "failures = 0, locked_until = NULL, pending_key_id = NULL, pending_ciphertext = NULL, pending_algorithm = NULL, "
                + "pending_digits = NULL, pending_period_seconds = NULL, pending_device_label = NULL, pending_created_at = NULL, "
                + "pending_nonce_hash = NULL, secret_generation = ? "
                + "WHERE user_id = ? AND pending_key_id = ? AND pending_ciphertext = ? AND "
                + (expectedPending.nonceHash().isPresent() ? "pending_nonce_hash = ?" : "pending_nonce_hash IS NULL");
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(activate)) {
                    statement.setString(1, ACTIVE);
                    bindSecret(statement, 2, expectedPending);
                    statement.setLong(9, now.toEpochMilli());
                    statement.setLong(10, lastUsedStep);
                    statement.setLong(11, newGeneration());
                    statement.setString(12, user);
                    statement.setString(13, expectedPending.sealed().keyId());
                    statement.setBytes(14, expectedPending.sealed().ciphertext());
                    if (expectedPending.nonceHash().isPresent()) {
                        statement.setString(15, expectedPending.nonceHash().get());
                    }
                    // The compare-and-set on the pending ciphertext and its session's nonce: a newer enrollment, a
                    // concurrent confirm or another session's nonce makes this match nothing, and the whole
                    // transaction is rolled back.
                    if (statement.executeUpdate() != 1) {
                        return false;
                    }
                }
                writeRecoveryCodes(connection, user, recoveryCodeHashes);
                return true;
            });
        } catch (SQLException e) {
            throw failure("activate the enrollment", user, e);
        }
    }

    @Override
    public boolean advanceLastUsedStep(String user, long generation, long from, long to) throws StoreException {
        Objects.requireNonNull(user, "user");
        if (to <= from) {
            throw new IllegalArgumentException("The last used step only moves forward: " + from + " -> " + to);
        }
        // The compare-and-set that makes a code one-time across nodes: of two nodes that both verified the same
        // code, the database lets only one update match "last_used_step = from". The generation makes it fail
        // for a check made against a secret that was reset and replaced meanwhile, even if the new secret's last
        // used step happens to equal the old one.
        String sql = "UPDATE " + credential + " SET last_used_step = ?, failures = 0, locked_until = NULL "
                + "WHERE user_id = ? AND status = ? AND last_used_step = ? AND secret_generation = ?";
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, to);
            statement.setString(2, user);
            statement.setString(3, ACTIVE);
            statement.setLong(4, from);
            statement.setLong(5, generation);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("advance the last used step", user, e);
        }
    }

    @Override
    public boolean recordFailure(String user, int expectedFailures, Instant lockUntil, Instant now) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(now, "now");
        // Counted before the code is evaluated, as a compare-and-set on the count: of N parallel guesses only as
        // many as the limit allows get a "1 row updated" and go on to be evaluated (CVE-2024-4629).
        String sql = "UPDATE " + credential + " SET failures = ?, locked_until = ? "
                + "WHERE user_id = ? AND failures = ? AND (locked_until IS NULL OR locked_until <= ?)";
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, Math.addExact(expectedFailures, 1));
            setInstant(statement, 2, lockUntil);
            statement.setString(3, user);
            statement.setInt(4, expectedFailures);
            statement.setLong(5, now.toEpochMilli());
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("count a failed attempt", user, e);
        }
    }

    @Override
    public void resetFailures(String user) throws StoreException {
        Objects.requireNonNull(user, "user");
        String sql = "UPDATE " + credential + " SET failures = 0, locked_until = NULL WHERE user_id = ?";
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("reset the failure count", user, e);
        }
    }

    @Override
    public List<RecoveryCodeHash> recoveryCodes(String user) throws StoreException {
        Objects.requireNonNull(user, "user");
        String sql = "SELECT code_hash, used_at FROM " + recoveryCode + " WHERE user_id = ? ORDER BY code_index";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            List<RecoveryCodeHash> codes = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    codes.add(RecoveryCodeHash.of(row.getString(1), getInstant(row, 2)));
                }
            }
            return codes;
        } catch (SQLException e) {
            throw failure("read the recovery codes", user, e);
        }
    }

    @Override
    public boolean consumeRecoveryCode(String user, String hash, Instant now) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(now, "now");
        // "used_at IS NULL" is the compare-and-set that makes a recovery code single-use under concurrency.
        String consume = "UPDATE " + recoveryCode + " SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL";
        String reset = "UPDATE " + credential + " SET failures = 0, locked_until = NULL WHERE user_id = ?";
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(consume)) {
                    statement.setLong(1, now.toEpochMilli());
                    statement.setString(2, user);
                    statement.setString(3, hash);
                    if (statement.executeUpdate() != 1) {
                        return false;
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(reset)) {
                    statement.setString(1, user);
                    statement.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            throw failure("use a recovery code", user, e);
        }
    }

    @Override
    public boolean replaceRecoveryCodes(String user, List<String> hashes) throws StoreException {
        Objects.requireNonNull(user, "user");
        checkHashes(hashes);
        String lock = "SELECT status FROM " + credential + " WHERE user_id = ? FOR UPDATE";
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(lock)) {
                    statement.setString(1, user);
                    try (ResultSet row = statement.executeQuery()) {
                        if (!row.next() || !ACTIVE.equals(row.getString(1))) {
                            return false;
                        }
                    }
                }
                writeRecoveryCodes(connection, user, hashes);
                return true;
            });
        } catch (SQLException e) {
            throw failure("replace the recovery codes", user, e);
        }
    }

    @Override
    public boolean updateSealedSecrets(String user, SealedSecret expectedActive, SealedSecret newActive,
            SealedSecret expectedPending, SealedSecret newPending) throws StoreException {
        Objects.requireNonNull(user, "user");
        if ((expectedActive == null) != (newActive == null) || (expectedPending == null) != (newPending == null)) {
            throw new IllegalArgumentException("A secret is re-sealed, never added or removed, by updateSealedSecrets");
        }
        StringBuilder sql = new StringBuilder("UPDATE ").append(credential)
                .append(" SET secret_key_id = ?, secret_ciphertext = ?, pending_key_id = ?, pending_ciphertext = ? WHERE user_id = ?");
        sql.append(expectedActive == null ? " AND secret_ciphertext IS NULL" : " AND secret_key_id = ? AND secret_ciphertext = ?");
        sql.append(expectedPending == null ? " AND pending_ciphertext IS NULL" : " AND pending_key_id = ? AND pending_ciphertext = ?");
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int at = 1;
            statement.setString(at++, newActive == null ? null : newActive.keyId());
            setBytes(statement, at++, newActive == null ? null : newActive.ciphertext());
            statement.setString(at++, newPending == null ? null : newPending.keyId());
            setBytes(statement, at++, newPending == null ? null : newPending.ciphertext());
            statement.setString(at++, user);
            if (expectedActive != null) {
                statement.setString(at++, expectedActive.keyId());
                statement.setBytes(at++, expectedActive.ciphertext());
            }
            if (expectedPending != null) {
                statement.setString(at++, expectedPending.keyId());
                statement.setBytes(at, expectedPending.ciphertext());
            }
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("re-seal the secrets", user, e);
        }
    }

    // ---- authenticators beyond the first

    private static final String AUTHENTICATOR_COLUMNS = "authenticator_id, status, secret_key_id, secret_ciphertext, algorithm, "
            + "digits, period_seconds, label, created_at, confirmed_at, last_used_step, secret_generation, pending_nonce_hash";

    @Override
    public List<StoredAuthenticator> authenticators(String user) throws StoreException {
        Objects.requireNonNull(user, "user");
        String sql = "SELECT " + AUTHENTICATOR_COLUMNS + " FROM " + authenticator + " WHERE user_id = ? "
                + "ORDER BY created_at, authenticator_id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            List<StoredAuthenticator> authenticators = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    authenticators.add(readAuthenticator(row));
                }
            }
            return authenticators;
        } catch (SQLException e) {
            throw failure("read the authenticators", user, e);
        }
    }

    @Override
    public boolean savePendingAuthenticator(String user, String id, SecretRecord pending) throws StoreException {
        Objects.requireNonNull(user, "user");
        StoredAuthenticator added = StoredAuthenticator.pending(id, Objects.requireNonNull(pending, "pending"));
        String dropPending = "DELETE FROM " + authenticator + " WHERE user_id = ? AND status = ?";
        String insert = "INSERT INTO " + authenticator + " (user_id, authenticator_id, status, secret_key_id, secret_ciphertext, "
                + "algorithm, digits, period_seconds, label, created_at, last_used_step, secret_generation, pending_nonce_hash) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)";
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                if (!lockActiveCredential(connection, user)) {
                    return false;
                }
                try (PreparedStatement statement = connection.prepareStatement(dropPending)) {
                    statement.setString(1, user);
                    statement.setString(2, PENDING);
                    statement.executeUpdate();
                }
                try (PreparedStatement statement = connection.prepareStatement(insert)) {
                    statement.setString(1, user);
                    statement.setString(2, added.id());
                    statement.setString(3, PENDING);
                    bindSecret(statement, 4, pending);
                    statement.setLong(11, added.lastUsedStep());
                    statement.setString(12, pending.nonceHash().orElse(null));
                    statement.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            throw failure("save a pending authenticator", user, e);
        }
    }

    @Override
    public boolean activateAuthenticator(String user, String id, SecretRecord expectedPending, long lastUsedStep, Instant now,
            int maxAuthenticators) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expectedPending, "expectedPending");
        Objects.requireNonNull(now, "now");
        String count = "SELECT authenticator_id FROM " + authenticator + " WHERE user_id = ? AND status = ?";
        String activate = "UPDATE " + authenticator + " SET status = ?, confirmed_at = ?, last_used_step = ?, secret_generation = ?, "
                + "pending_nonce_hash = NULL WHERE user_id = ? AND authenticator_id = ? AND status = ? AND secret_key_id = ? "
                + "AND secret_ciphertext = ? AND "
                + (expectedPending.nonceHash().isPresent() ? "pending_nonce_hash = ?" : "pending_nonce_hash IS NULL");
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                // The credential row's lock serializes every change of this account's authenticators, so that concurrent
                // confirmations on several nodes see each other's count and the limit holds.
                if (!lockActiveCredential(connection, user)) {
                    return false;
                }
                int active = 1;
                try (PreparedStatement statement = connection.prepareStatement(count)) {
                    statement.setString(1, user);
                    statement.setString(2, ACTIVE);
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            active++;
                        }
                    }
                }
                if (active >= maxAuthenticators) {
                    return false;
                }
                try (PreparedStatement statement = connection.prepareStatement(activate)) {
                    statement.setString(1, ACTIVE);
                    statement.setLong(2, now.toEpochMilli());
                    statement.setLong(3, lastUsedStep);
                    statement.setLong(4, newGeneration());
                    statement.setString(5, user);
                    statement.setString(6, id);
                    statement.setString(7, PENDING);
                    statement.setString(8, expectedPending.sealed().keyId());
                    statement.setBytes(9, expectedPending.sealed().ciphertext());
                    if (expectedPending.nonceHash().isPresent()) {
                        statement.setString(10, expectedPending.nonceHash().get());
                    }
                    if (statement.executeUpdate() != 1) {
                        return false;
                    }
                }
                clearFailures(connection, user);
                return true;
            });
        } catch (SQLException e) {
            throw failure("activate an authenticator", user, e);
        }
    }

    @Override
    public boolean advanceAuthenticatorStep(String user, String id, long generation, long from, long to) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(id, "id");
        if (to <= from) {
            throw new IllegalArgumentException("The last used step only moves forward: " + from + " -> " + to);
        }
        // The same compare-and-set as advanceLastUsedStep, on this authenticator's own row: a code is one-time per
        // authenticator across nodes, and a removed and re-added authenticator (new generation) cannot be matched.
        String advance = "UPDATE " + authenticator + " SET last_used_step = ? WHERE user_id = ? AND authenticator_id = ? "
                + "AND status = ? AND last_used_step = ? AND secret_generation = ?";
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(advance)) {
                    statement.setLong(1, to);
                    statement.setString(2, user);
                    statement.setString(3, id);
                    statement.setString(4, ACTIVE);
                    statement.setLong(5, from);
                    statement.setLong(6, generation);
                    if (statement.executeUpdate() != 1) {
                        return false;
                    }
                }
                clearFailures(connection, user);
                return true;
            });
        } catch (SQLException e) {
            throw failure("advance an authenticator's last used step", user, e);
        }
    }

    @Override
    public boolean deleteAuthenticator(String user, String id) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(id, "id");
        String sql = "DELETE FROM " + authenticator + " WHERE user_id = ? AND authenticator_id = ?";
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            statement.setString(2, id);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("delete an authenticator", user, e);
        }
    }

    @Override
    public boolean promoteAuthenticator(String user, long expectedGeneration, String id) throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(id, "id");
        String read = "SELECT " + AUTHENTICATOR_COLUMNS + " FROM " + authenticator
                + " WHERE user_id = ? AND authenticator_id = ? AND status = ?";
        String promote = "UPDATE " + credential + " SET secret_key_id = ?, secret_ciphertext = ?, algorithm = ?, digits = ?, "
                + "period_seconds = ?, device_label = ?, created_at = ?, confirmed_at = ?, last_used_step = ?, secret_generation = ? "
                + "WHERE user_id = ? AND status = ? AND secret_generation = ?";
        String drop = "DELETE FROM " + authenticator + " WHERE user_id = ? AND authenticator_id = ?";
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                if (!lockActiveCredential(connection, user)) {
                    return false;
                }
                StoredAuthenticator promoted;
                try (PreparedStatement statement = connection.prepareStatement(read)) {
                    statement.setString(1, user);
                    statement.setString(2, id);
                    statement.setString(3, ACTIVE);
                    try (ResultSet row = statement.executeQuery()) {
                        if (!row.next()) {
                            return false;
                        }
                        promoted = readAuthenticator(row);
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(promote)) {
                    bindSecret(statement, 1, promoted.secret());
                    statement.setLong(8, promoted.confirmedAt().toEpochMilli());
                    statement.setLong(9, promoted.lastUsedStep());
                    statement.setLong(10, promoted.generation());
                    statement.setString(11, user);
                    statement.setString(12, ACTIVE);
                    statement.setLong(13, expectedGeneration);
                    if (statement.executeUpdate() != 1) {
                        return false;
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(drop)) {
                    statement.setString(1, user);
                    statement.setString(2, id);
                    return statement.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw failure("promote an authenticator", user, e);
        }
    }

    @Override
    public boolean updateAuthenticatorSecret(String user, String id, SealedSecret expected, SealedSecret replacement)
            throws StoreException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(replacement, "replacement");
        String sql = "UPDATE " + authenticator + " SET secret_key_id = ?, secret_ciphertext = ? "
                + "WHERE user_id = ? AND authenticator_id = ? AND secret_key_id = ? AND secret_ciphertext = ?";
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, replacement.keyId());
            statement.setBytes(2, replacement.ciphertext());
            statement.setString(3, user);
            statement.setString(4, id);
            statement.setString(5, expected.keyId());
            statement.setBytes(6, expected.ciphertext());
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("re-seal an authenticator", user, e);
        }
    }

    /** Locks the user's credential row for this transaction; {@code false} if the user has no active credential. */
    private boolean lockActiveCredential(Connection connection, String user) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT status FROM " + credential + " WHERE user_id = ? FOR UPDATE")) {
            statement.setString(1, user);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && ACTIVE.equals(row.getString(1));
            }
        }
    }

    /** An accepted code of any authenticator ends the account's run of failures. */
    private void clearFailures(Connection connection, String user) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE " + credential + " SET failures = 0, locked_until = NULL WHERE user_id = ?")) {
            statement.setString(1, user);
            statement.executeUpdate();
        }
    }

    private static StoredAuthenticator readAuthenticator(ResultSet row) throws SQLException {
        SecretRecord secret = readSecret(row, "secret_key_id", "secret_ciphertext", "algorithm", "digits", "period_seconds",
                "label", "created_at");
        try {
            boolean active = ACTIVE.equals(row.getString("status"));
            return new StoredAuthenticator(row.getString("authenticator_id"),
                    active ? secret : secret.withNonceHash(row.getString("pending_nonce_hash")),
                    active ? getInstant(row, "confirmed_at") : null, row.getLong("last_used_step"), row.getLong("secret_generation"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException("Malformed authenticator row: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String user) throws StoreException {
        Objects.requireNonNull(user, "user");
        String codes = "DELETE FROM " + recoveryCode + " WHERE user_id = ?";
        String authenticators = "DELETE FROM " + authenticator + " WHERE user_id = ?";
        String row = "DELETE FROM " + credential + " WHERE user_id = ?";
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                for (String dependent : List.of(codes, authenticators)) {
                    try (PreparedStatement statement = connection.prepareStatement(dependent)) {
                        statement.setString(1, user);
                        statement.executeUpdate();
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(row)) {
                    statement.setString(1, user);
                    return statement.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw failure("delete the credential", user, e);
        }
    }

    @Override
    public List<String> listUsers() throws StoreException {
        String sql = "SELECT user_id FROM " + credential + " ORDER BY user_id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet row = statement.executeQuery()) {
            List<String> users = new ArrayList<>();
            while (row.next()) {
                users.add(row.getString(1));
            }
            return users;
        } catch (SQLException e) {
            throw new StoreException("Credential store could not list the users: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> usersWithAccountKey(String accountKey) throws StoreException {
        Objects.requireNonNull(accountKey, "accountKey");
        ensureSchemaReady();
        // Rows without a key (written by a node still running an older version during an upgrade) are keyed here,
        // so they are never missed.
        String sql = "SELECT user_id, account_key FROM " + credential + " WHERE account_key = ? OR account_key IS NULL";
        List<String> owners = new ArrayList<>();
        List<String> unkeyed = new ArrayList<>();
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, accountKey);
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        String user = row.getString(1);
                        if (row.getString(2) == null) {
                            unkeyed.add(user);
                        }
                        if (row.getString(2) != null || AccountKey.of(user).equals(accountKey)) {
                            owners.add(user);
                        }
                    }
                }
            }
            fillAccountKeys(connection, unkeyed);
        } catch (SQLException e) {
            throw new StoreException("Credential store could not look up the account key of a user: " + e.getMessage(), e);
        }
        owners.sort(null);
        return owners;
    }

    @Override
    public Instant sessionsValidAfter(String user) throws StoreException {
        Objects.requireNonNull(user, "user");
        try (Connection connection = dataSource.getConnection()) {
            return Instant.ofEpochMilli(readSessionsValidAfter(connection, user));
        } catch (SQLException e) {
            throw failure("read the session revocation", user, e);
        }
    }

    @Override
    public Instant revokeSessions(String user, Instant now) throws StoreException {
        Objects.requireNonNull(user, "user");
        long nowMillis = now.toEpochMilli();
        // Strictly increasing, evaluated by the database: a session remembers the value it was verified under, so
        // every revocation must change it even when this node's clock is behind the node that revoked last.
        String raise = "UPDATE " + sessionRevocation + " SET sessions_valid_after = CASE WHEN sessions_valid_after < ? "
                + "THEN ? ELSE sessions_valid_after + 1 END WHERE user_id = ?";
        String insert = "INSERT INTO " + sessionRevocation + " (user_id, sessions_valid_after) VALUES (?, ?)";
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            boolean stored = updateElseInsert(connection, raise, statement -> {
                statement.setLong(1, nowMillis);
                statement.setLong(2, nowMillis);
                statement.setString(3, user);
            }, insert, statement -> {
                statement.setString(1, user);
                statement.setLong(2, nowMillis);
            });
            if (stored) {
                return Instant.ofEpochMilli(readSessionsValidAfter(connection, user));
            }
            throw new StoreException("Could not revoke the sessions of user '" + user + "': the row changed concurrently");
        } catch (SQLException e) {
            throw failure("revoke the sessions", user, e);
        }
    }

    private long readSessionsValidAfter(Connection connection, String user) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT sessions_valid_after FROM " + sessionRevocation + " WHERE user_id = ?")) {
            statement.setString(1, user);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : Instant.EPOCH.toEpochMilli();
            }
        }
    }

    // ---- trusted browsers

    private static final String TRUSTED_COLUMNS = "browser_id, account_key, secret_generation, label, created_at, expires_at";

    @Override
    public void saveTrustedBrowser(TrustedBrowser browser, String tokenHash, int maxPerAccount, Instant now) throws StoreException {
        Objects.requireNonNull(browser, "browser");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(now, "now");
        if (maxPerAccount < 1) {
            throw new IllegalArgumentException("maxPerAccount must be at least 1");
        }
        String expired = "DELETE FROM " + trustedBrowser + " WHERE account_key = ? AND expires_at <= ?";
        String kept = "SELECT token_hash FROM " + trustedBrowser + " WHERE account_key = ? ORDER BY created_at DESC, browser_id DESC";
        String evict = "DELETE FROM " + trustedBrowser + " WHERE token_hash = ?";
        String insert = "INSERT INTO " + trustedBrowser + " (token_hash, " + TRUSTED_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection()) {
            inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(expired)) {
                    statement.setString(1, browser.accountKey());
                    statement.setLong(2, now.toEpochMilli());
                    statement.executeUpdate();
                }
                // The newest maxPerAccount - 1 stay beside the new one; a concurrent save may leave one more for a
                // moment, and the next save of the account trims it.
                List<String> oldest = new ArrayList<>();
                try (PreparedStatement statement = connection.prepareStatement(kept)) {
                    statement.setString(1, browser.accountKey());
                    try (ResultSet row = statement.executeQuery()) {
                        for (int index = 0; row.next(); index++) {
                            if (index >= maxPerAccount - 1) {
                                oldest.add(row.getString(1));
                            }
                        }
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(evict)) {
                    for (String hash : oldest) {
                        statement.setString(1, hash);
                        statement.executeUpdate();
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(insert)) {
                    statement.setString(1, tokenHash);
                    statement.setString(2, browser.id());
                    statement.setString(3, browser.accountKey());
                    statement.setLong(4, browser.generation());
                    statement.setString(5, browser.label());
                    statement.setLong(6, browser.createdAt().toEpochMilli());
                    statement.setLong(7, browser.expiresAt().toEpochMilli());
                    statement.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            throw trustedFailure("store a trusted browser", e);
        }
    }

    @Override
    public Optional<TrustedBrowser> findTrustedBrowser(String tokenHash) throws StoreException {
        Objects.requireNonNull(tokenHash, "tokenHash");
        String sql = "SELECT " + TRUSTED_COLUMNS + " FROM " + trustedBrowser + " WHERE token_hash = ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, tokenHash);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(readTrustedBrowser(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw trustedFailure("look up a trusted browser", e);
        }
    }

    @Override
    public List<TrustedBrowser> trustedBrowsers(String accountKey) throws StoreException {
        Objects.requireNonNull(accountKey, "accountKey");
        String sql = "SELECT " + TRUSTED_COLUMNS + " FROM " + trustedBrowser + " WHERE account_key = ? ORDER BY created_at, browser_id";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, accountKey);
            List<TrustedBrowser> browsers = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    browsers.add(readTrustedBrowser(row));
                }
            }
            return browsers;
        } catch (SQLException e) {
            throw trustedFailure("list the trusted browsers", e);
        }
    }

    @Override
    public GraceRecord startGrace(String key, Instant startedAt) throws StoreException {
        GraceRecord.checkKey(key);
        Objects.requireNonNull(startedAt, "startedAt");
        String insert = "INSERT INTO " + enrollmentGrace + " (account_key, started_at, sign_ins) VALUES (?, ?, 0)";
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            GraceRecord stored = readGrace(connection, key);
            if (stored != null) {
                return stored;
            }
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                statement.setString(1, key);
                statement.setLong(2, startedAt.toEpochMilli());
                statement.executeUpdate();
            } catch (SQLException e) {
                // Another node started it first: its start is the one.
                if (!isIntegrityViolation(e)) {
                    throw e;
                }
            }
            return requireGrace(connection, key);
        } catch (SQLException e) {
            throw graceFailure("start the enrollment grace", e);
        }
    }

    @Override
    public GraceRecord countGraceSignIn(String key, Instant startedAt) throws StoreException {
        GraceRecord.checkKey(key);
        Objects.requireNonNull(startedAt, "startedAt");
        // The database adds the one, so sign-ins on several nodes at once are each counted.
        String count = "UPDATE " + enrollmentGrace + " SET sign_ins = sign_ins + 1 WHERE account_key = ?";
        String insert = "INSERT INTO " + enrollmentGrace + " (account_key, started_at, sign_ins) VALUES (?, ?, 1)";
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            if (updateElseInsert(connection, count, statement -> statement.setString(1, key), insert, statement -> {
                statement.setString(1, key);
                statement.setLong(2, startedAt.toEpochMilli());
            })) {
                return requireGrace(connection, key);
            }
            throw new StoreException("Could not count a sign-in of an enrollment grace: the row changed concurrently");
        } catch (SQLException e) {
            throw graceFailure("count a sign-in of the enrollment grace", e);
        }
    }

    @Override
    public boolean deleteTrustedBrowser(String accountKey, String id) throws StoreException {
        Objects.requireNonNull(accountKey, "accountKey");
        Objects.requireNonNull(id, "id");
        return deleteTrusted("DELETE FROM " + trustedBrowser + " WHERE account_key = ? AND browser_id = ?", accountKey, id) > 0;
    }

    @Override
    public int deleteTrustedBrowsers(String accountKey) throws StoreException {
        Objects.requireNonNull(accountKey, "accountKey");
        return deleteTrusted("DELETE FROM " + trustedBrowser + " WHERE account_key = ?", accountKey, null);
    }

    @Override
    public int purgeTrustedBrowsers(Instant now) throws StoreException {
        Objects.requireNonNull(now, "now");
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement("DELETE FROM " + trustedBrowser + " WHERE expires_at <= ?")) {
            statement.setLong(1, now.toEpochMilli());
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw trustedFailure("purge the expired trusted browsers", e);
        }
    }

    private int deleteTrusted(String sql, String accountKey, String id) throws StoreException {
        try (Connection connection = autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, accountKey);
            if (id != null) {
                statement.setString(2, id);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw trustedFailure("revoke trusted browsers", e);
        }
    }

    private static TrustedBrowser readTrustedBrowser(ResultSet row) throws SQLException {
        return new TrustedBrowser(row.getString(1), row.getString(2), row.getLong(3), row.getString(4),
                Instant.ofEpochMilli(row.getLong(5)), Instant.ofEpochMilli(row.getLong(6)));
    }

    /** Never the token hash or the account key in the message: the caller's audit names the user. */
    private static StoreException trustedFailure(String operation, SQLException e) {
        return new StoreException("Credential store could not " + operation + ": " + e.getMessage(), e);
    }

    @Override
    public void restartGrace(String key, Instant startedAt) throws StoreException {
        GraceRecord.checkKey(key);
        Objects.requireNonNull(startedAt, "startedAt");
        String update = "UPDATE " + enrollmentGrace + " SET started_at = ?, sign_ins = 0 WHERE account_key = ?";
        String insert = "INSERT INTO " + enrollmentGrace + " (account_key, started_at, sign_ins) VALUES (?, ?, 0)";
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            boolean stored = updateElseInsert(connection, update, statement -> {
                statement.setLong(1, startedAt.toEpochMilli());
                statement.setString(2, key);
            }, insert, statement -> {
                statement.setString(1, key);
                statement.setLong(2, startedAt.toEpochMilli());
            });
            if (stored) {
                return;
            }
            throw new StoreException("Could not restart an enrollment grace: the row changed concurrently");
        } catch (SQLException e) {
            throw graceFailure("restart the enrollment grace", e);
        }
    }

    private GraceRecord readGrace(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT started_at, sign_ins FROM " + enrollmentGrace + " WHERE account_key = ?")) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new GraceRecord(Instant.ofEpochMilli(row.getLong(1)), row.getInt(2)) : null;
            }
        }
    }

    private GraceRecord requireGrace(Connection connection, String key) throws SQLException, StoreException {
        GraceRecord stored = readGrace(connection, key);
        if (stored == null) {
            throw new StoreException("The enrollment grace row vanished right after it was written");
        }
        return stored;
    }

    /** Never the key in the message: it is derived from a user name, and the caller's message names the user. */
    private StoreException graceFailure(String operation, SQLException e) {
        return new StoreException("Credential store could not " + operation + " (table " + enrollmentGrace + "): "
                + e.getMessage(), e);
    }

    /**
     * The attempt counters of this store's database (its {@code address_failure} table), so the address and password
     * limits hold on every node that shares the database. {@link dev.totpguard.TwoFactorService.Builder} takes them by
     * itself when it is given this store.
     */
    public AttemptCounters attemptCounters() {
        return attemptCounters;
    }

    @Override
    public String toString() {
        return "JdbcCredentialStore[" + prefix + "*]";
    }

    // ---- helpers

    private interface TransactionBody {
        boolean run() throws SQLException;
    }

    /** Sets the parameters of a prepared statement. */
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    /**
     * Update-else-insert of one row in portable SQL, each statement atomic on its own: a concurrent first write makes
     * the insert hit the key, and the retried update then changes the row the other one inserted (so a counter adds
     * both). At most three rounds.
     *
     * @return whether the row was updated or inserted; {@code false} if it changed concurrently three times
     */
    private static boolean updateElseInsert(Connection connection, String update, Parameters updateParameters, String insert,
            Parameters insertParameters) throws SQLException {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (PreparedStatement statement = connection.prepareStatement(update)) {
                updateParameters.set(statement);
                if (statement.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                insertParameters.set(statement);
                statement.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!isIntegrityViolation(e)) {
                    throw e;
                }
            }
        }
        return false;
    }

    /**
     * Runs {@code body} as one transaction: committed if it returns {@code true}, rolled back if it returns
     * {@code false} or throws, so a failure in the middle leaves the old state.
     */
    private static boolean inTransaction(Connection connection, TransactionBody body) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            boolean result = body.run();
            if (result) {
                connection.commit();
            } else {
                connection.rollback();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // The connection is broken; the pool discards it.
            }
        }
    }

    static Connection autoCommit(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    private void writeRecoveryCodes(Connection connection, String user, List<String> hashes) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + recoveryCode + " WHERE user_id = ?")) {
            statement.setString(1, user);
            statement.executeUpdate();
        }
        String insert = "INSERT INTO " + recoveryCode + " (user_id, code_index, code_hash, used_at) VALUES (?, ?, ?, NULL)";
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            for (int i = 0; i < hashes.size(); i++) {
                statement.setString(1, user);
                statement.setInt(2, i);
                statement.setString(3, hashes.get(i));
                statement.executeUpdate();
            }
        }
    }

    /** A positive generation from {@link SecureRandom}: 63 random bits, so one user never sees one twice. */
    private long newGeneration() {
        long generation;
        do {
            generation = random.nextLong() & Long.MAX_VALUE;
        } while (generation == 0);
        return generation;
    }

    private static void bindSecret(PreparedStatement statement, int first, SecretRecord record) throws SQLException {
        statement.setString(first, record.sealed().keyId());
        statement.setBytes(first + 1, record.sealed().ciphertext());
        statement.setString(first + 2, record.parameters().algorithm().name());
        statement.setInt(first + 3, record.parameters().digits());
        statement.setInt(first + 4, record.parameters().periodSeconds());
        statement.setString(first + 5, record.deviceLabel().orElse(null));
        statement.setLong(first + 6, record.createdAt().toEpochMilli());
    }

    private static StoredCredential readCredential(ResultSet row) throws SQLException {
        StoredCredential.Builder builder = StoredCredential.builder(row.getString("user_id"));
        if (ACTIVE.equals(row.getString("status"))) {
            SecretRecord active = readSecret(row, "secret_key_id", "secret_ciphertext", "algorithm", "digits", "period_seconds",
                    "device_label", "created_at");
            builder.active(active, getInstant(row, "confirmed_at"));
        }
        if (row.getBytes("pending_ciphertext") != null) {
            SecretRecord pending = readSecret(row, "pending_key_id", "pending_ciphertext", "pending_algorithm", "pending_digits",
                    "pending_period_seconds", "pending_device_label", "pending_created_at");
            try {
                builder.pending(pending.withNonceHash(row.getString("pending_nonce_hash")));
            } catch (IllegalArgumentException e) {
                throw new SQLException("Malformed pending_nonce_hash in the credential row", e);
            }
        }
        builder.generation(row.getLong("secret_generation"));
        builder.lastUsedStep(row.getLong("last_used_step"));
        builder.failures(row.getInt("failures"));
        builder.lockedUntil(getInstant(row, "locked_until"));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new SQLException("Inconsistent credential row: " + e.getMessage(), e);
        }
    }

    private static SecretRecord readSecret(ResultSet row, String keyId, String ciphertext, String algorithm, String digits,
            String period, String label, String created) throws SQLException {
        try {
            TotpParameters parameters = TotpParameters.builder()
                    .algorithm(HmacAlgorithm.valueOf(row.getString(algorithm)))
                    .digits(row.getInt(digits))
                    .periodSeconds(row.getInt(period))
                    .build();
            return SecretRecord.of(SealedSecret.of(row.getString(keyId), row.getBytes(ciphertext)), parameters,
                    row.getString(label), Instant.ofEpochMilli(row.getLong(created)));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException("Malformed secret columns in the credential row: " + e.getMessage(), e);
        }
    }

    private static Instant getInstant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static Instant getInstant(ResultSet row, int column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value.toEpochMilli());
        }
    }

    private static void setBytes(PreparedStatement statement, int index, byte[] value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARBINARY);
        } else {
            statement.setBytes(index, value);
        }
    }

    private static void checkHashes(List<String> hashes) {
        Objects.requireNonNull(hashes, "hashes");
        for (String hash : hashes) {
            RecoveryCodeHash.unused(hash);
        }
    }

    /** SQLState class 23: integrity constraint violation (a duplicate primary key here), the same in all three. */
    static boolean isIntegrityViolation(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    private static StoreException failure(String operation, String user, SQLException e) {
        return new StoreException("Credential store could not " + operation + " of user '" + user + "': " + e.getMessage(), e);
    }

    private static Database detect(DatabaseMetaData metaData) throws SQLException {
        return Database.fromProductName(metaData.getDatabaseProductName());
    }

    static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    private static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "tablePrefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Table prefix must be a lower-case letter followed by up to 30 letters, "
                    + "digits or underscores, not '" + prefix + "'");
        }
        return prefix;
    }

    /**
     * Checks once that the credential table has every column in {@link #REQUIRED_CREDENTIAL_COLUMNS} and gives rows
     * without an account key theirs.
     *
     * @throws StoreException naming the schema file to re-run if a column is missing, or if the database fails
     */
    private void ensureSchemaReady() throws StoreException {
        if (schemaReady) {
            return;
        }
        try (Connection connection = autoCommit(dataSource.getConnection())) {
            checkColumns(connection);
            List<String> unkeyed = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT user_id FROM " + credential + " WHERE account_key IS NULL");
                    ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    unkeyed.add(row.getString(1));
                }
            }
            fillAccountKeys(connection, unkeyed);
            schemaReady = true;
        } catch (SQLException e) {
            throw new StoreException("Credential store could not check its tables (prefix " + prefix + "): " + e.getMessage(), e);
        }
    }

    private void checkColumns(Connection connection) throws SQLException, StoreException {
        List<String> columns = columns(connection, credential);
        String file = schemaFileName(connection);
        if (columns.isEmpty()) {
            throw new StoreException("The TOTP Guard table " + credential + " does not exist: apply " + file
                    + " (with the table prefix " + prefix + ") or set totpguard.schema.create = true");
        }
        List<String> missing = new ArrayList<>();
        for (String column : REQUIRED_CREDENTIAL_COLUMNS) {
            if (!columns.contains(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new StoreException("The TOTP Guard table " + credential + " predates this version (missing column "
                    + String.join(", ", missing) + "): re-run " + file + " (with the table prefix " + prefix
                    + "); it adds the new columns to existing tables and keeps every credential");
        }
        if (!columns(connection, sessionRevocation).contains("sessions_valid_after")) {
            throw new StoreException("The TOTP Guard tables predate this version (missing table " + sessionRevocation
                    + "): re-run " + file + " (with the table prefix " + prefix + "); it creates the new table and keeps"
                    + " every credential");
        }
        if (!columns(connection, enrollmentGrace).contains("sign_ins")) {
            throw new StoreException("The TOTP Guard tables predate this version (missing table " + enrollmentGrace
                    + "): re-run " + file + " (with the table prefix " + prefix + "); it creates the new table and keeps"
                    + " every credential");
        }
        if (!columns(connection, authenticator).contains("pending_nonce_hash")) {
            throw new StoreException("The TOTP Guard tables predate this version (missing table " + authenticator
                    + "): re-run " + file + " (with the table prefix " + prefix + "); it creates the new table and keeps"
                    + " every credential as the account's first authenticator");
        }
        if (columns(connection, trustedBrowser).isEmpty()) {
            throw new StoreException("The TOTP Guard tables predate this version (missing table " + trustedBrowser
                    + "): re-run " + file + " (with the table prefix " + prefix + "); it creates the new table and keeps"
                    + " every credential and trusts no browser yet");
        }
    }

    /** The lower-case column names of {@code table}, empty if there is no such table. */
    private static List<String> columns(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        List<String> columns = new ArrayList<>();
        // Unquoted identifiers are stored upper case by H2, lower case by PostgreSQL, as written by MariaDB.
        String escape = metaData.getSearchStringEscape();
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
            // The name is a LIKE pattern here: its underscores must not match other tables.
            String pattern = escape == null || escape.isEmpty() ? name : name.replace("_", escape + "_");
            try (ResultSet row = metaData.getColumns(connection.getCatalog(), null, pattern, null)) {
                while (row.next()) {
                    columns.add(row.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
            if (!columns.isEmpty()) {
                break;
            }
        }
        return columns;
    }

    private String schemaFileName(Connection connection) {
        try {
            return (database != null ? database : detect(connection.getMetaData())).schemaResource();
        } catch (SQLException | IllegalArgumentException e) {
            return "the schema file of your database under META-INF/totpguard/sql/";
        }
    }

    /**
     * Stores the account key of rows that have none. A row whose key another row already has keeps none: both
     * spellings then refuse each other (see {@link #usersWithAccountKey}) until an administrator removes one.
     */
    private void fillAccountKeys(Connection connection, List<String> users) throws SQLException {
        String sql = "UPDATE " + credential + " SET account_key = ? WHERE user_id = ? AND account_key IS NULL";
        for (String user : users) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, AccountKey.of(user));
                statement.setString(2, user);
                statement.executeUpdate();
            } catch (SQLException e) {
                if (!isIntegrityViolation(e)) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "Second factors of user '" + user + "' and of another spelling of the same "
                        + "name exist; both are refused until an administrator resets one of them");
            }
        }
    }

    /** Configures a {@link JdbcCredentialStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private Database database;
        private boolean createSchema;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Prefix of the table names (default {@code totpguard_}): a lower-case SQL identifier start. */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = checkPrefix(tablePrefix);
            return this;
        }

        /** The database, for schema creation; by default detected from the connection's metadata. */
        public Builder database(Database database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** Whether {@link #build()} creates missing tables (default {@code false}: a DBA applies the DDL). */
        public Builder createSchemaIfMissing(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * Builds the store: creates missing tables when asked to, then checks that the credential table has every
         * column this version uses and gives old rows their account key. A database that cannot be reached now is
         * checked at its first use instead (the application starts and fails closed until it is back).
         *
         * @throws StoreException if the tables were to be created and that failed, or if the table is missing or
         *     predates this version (the message names the schema file to re-run)
         */
        public JdbcCredentialStore build() throws StoreException {
            JdbcCredentialStore store = new JdbcCredentialStore(this);
            if (createSchema) {
                store.createSchemaIfMissing();
            }
            try (Connection probe = dataSource.getConnection()) {
                probe.isValid(1);
            } catch (SQLException unreachable) {
                return store;
            }
            store.ensureSchemaReady();
            return store;
        }
    }
}
