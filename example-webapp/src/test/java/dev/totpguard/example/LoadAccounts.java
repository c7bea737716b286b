package dev.totpguard.example;

import dev.totpguard.internal.config.SettingsFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.Enrollment;
import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AuditListener;
import dev.totpguard.example.data.AuditLog;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.JdbcCredentialStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The load test's administrators in the example's database: created and enrolled before a run, read back after it.
 *
 * <p>Each account is added with the example's own {@link AdminAccounts} and enrolled through a
 * {@link TwoFactorService} on the same database and key file, with the example's policy and audit listener, so
 * the rows are what "Add New Administrator" and "Save Changes" would write. Two shortcuts keep the set-up to
 * seconds instead of minutes, and neither touches what the run measures: the account is added with a cheap
 * password hash that is then replaced by one real hash (the default 600,000 PBKDF2 iterations) shared by every
 * load account, so every login costs what a real login costs; and the enrollment is confirmed with the code of
 * the previous time step, so the current and the next step are still unused when the run starts.
 */
final class LoadAccounts {

    /** Every load account's user name starts with this, so the counters can tell them from {@code admin}. */
    static final String PREFIX = "load";
    /** The setup's address for the per-address limit, kept apart from the HTTP clients' 127.0.0.1. */
    private static final String SETUP_ADDRESS = "load-test-setup";
    /** {@code ExampleSchema.AUDIT_TABLE}, which is package-private there. */
    private static final String AUDIT_TABLE = "tg_example_audit";

    private LoadAccounts() {
    }

    /** The client-side record of one account: its secret and what the load test did with it. */
    static final class Account {

        private final String username;
        private final byte[] secret;
        private long lastUsedStep;
        private int accepted;
        private int replaysRefused;

        Account(String username, byte[] secret, long lastUsedStep) {
            this.username = username;
            this.secret = secret.clone();
            this.lastUsedStep = lastUsedStep;
        }

        String username() {
            return username;
        }

        byte[] secret() {
            return secret.clone();
        }

        // The counters below are written by the one virtual admin that owns the account and read after every
        // virtual admin has ended (Future.get orders the two), so they need no lock.

        long lastUsedStep() {
            return lastUsedStep;
        }

        int accepted() {
            return accepted;
        }

        int replaysRefused() {
            return replaysRefused;
        }

        void codeAccepted(long step) {
            lastUsedStep = step;
            accepted++;
        }

        void replayRefused() {
            replaysRefused++;
        }
    }

    /** Audit actions a load account should never have; their details are kept to explain a mismatch. */
    static final List<String> UNWANTED = List.of("CODE_REFUSED", "LOCKED_OUT", "STORE_UNAVAILABLE",
            "RECOVERY_CODE_REFUSED");

    /**
     * What the server recorded for one load account: audit events by action, the last used step, and the details
     * of any {@link #UNWANTED} event (the reason the server gave, never a code).
     */
    record ServerRecord(Map<String, Integer> events, long lastUsedStep, List<String> unwanted) {

        int count(String action) {
            return events.getOrDefault(action, 0);
        }
    }

    /**
     * Adds and enrolls {@code count} accounts named {@code load0000}, {@code load0001}, ... (two threads).
     *
     * @param jdbcUser empty for the built-in H2 database
     */
    static List<Account> create(String jdbcUrl, Optional<String> jdbcUser, Path keyFile, int count, String password) throws Exception {
        try (HikariDataSource dataSource = DataSources.open(jdbcUrl, jdbcUser, Optional.empty(), 4);
             TwoFactorService twoFactor = TwoFactorService.builder()
                     .store(JdbcCredentialStore.builder(dataSource).build())
                     .keyRing(KeyRing.fromKeyFile(keyFile))
                     .policy(SettingsFactory.policy(Settings.of(Map.of(TotpGuardSettings.ISSUER, "TOTP Guard example"), "setting")))
                     .listener(new AuditListener(new AuditLog(dataSource)))
                     .build()) {
            AdminAccounts accounts = new AdminAccounts(dataSource, PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build(),
                    Clock.systemUTC());
            String realHash = PasswordHash.builder().build().hash(password.toCharArray());
            Totp totp = Totp.builder().build();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Account>> created = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String username = String.format("%s%04d", PREFIX, i);
                    created.add(pool.submit(() -> create(dataSource, accounts, twoFactor, totp, username, password, realHash)));
                }
                List<Account> result = new ArrayList<>();
                for (Future<Account> account : created) {
                    result.add(account.get());
                }
                return result;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Account create(HikariDataSource dataSource, AdminAccounts accounts, TwoFactorService twoFactor, Totp totp, String username,
                                  String password, String realHash) throws Exception {
        if (!accounts.add(username, "Load Test " + username, username + "@example.com", password.toCharArray())) {
            throw new IllegalStateException(username + " exists already: the load test needs an empty database");
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE totpguard_user SET password_hash = ? WHERE username = ?")) {
            update.setString(1, realHash);
            update.setString(2, username);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no password row for " + username);
            }
        }
        Enrollment enrollment = twoFactor.startEnrollment(username);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        for (int attempt = 0; attempt < 3; attempt++) {
            long step = totp.currentStep() - 1;
            if (twoFactor.confirmEnrollment(username, enrollment.nonce(), totp.generateAtStep(secret, step), SETUP_ADDRESS).verification().isAccepted()) {
                return new Account(username, secret, step);
            }
        }
        throw new IllegalStateException("the enrollment of " + username + " was refused three times");
    }

    /** The audit events and last used step of every load account, as the server stored them. */
    static Map<String, ServerRecord> read(String jdbcUrl, Optional<String> jdbcUser) throws Exception {
        Map<String, Map<String, Integer>> events = new HashMap<>();
        Map<String, List<String>> unwanted = new HashMap<>();
        Map<String, ServerRecord> records = new HashMap<>();
        try (HikariDataSource dataSource = DataSources.open(jdbcUrl, jdbcUser, Optional.empty(), 1);
             Connection connection = dataSource.getConnection()) {
            try (PreparedStatement query = connection.prepareStatement("SELECT subject_user, action, COUNT(*) FROM "
                    + AUDIT_TABLE + " WHERE subject_user LIKE ? GROUP BY subject_user, action")) {
                query.setString(1, PREFIX + "%");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        events.computeIfAbsent(rows.getString(1), user -> new HashMap<>()).put(rows.getString(2), rows.getInt(3));
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT subject_user, action, detail, client_address FROM "
                    + AUDIT_TABLE + " WHERE subject_user LIKE ? AND action IN ('" + String.join("', '", UNWANTED) + "') ORDER BY id")) {
                query.setString(1, PREFIX + "%");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        unwanted.computeIfAbsent(rows.getString(1), user -> new ArrayList<>())
                                .add(rows.getString(2) + " (" + rows.getString(3) + ", from " + rows.getString(4) + ")");
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT user_id, last_used_step FROM totpguard_credential WHERE user_id LIKE ?")) {
                query.setString(1, PREFIX + "%");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String user = rows.getString(1);
                        records.put(user, new ServerRecord(Map.copyOf(events.getOrDefault(user, Map.of())), rows.getLong(2),
                                List.copyOf(unwanted.getOrDefault(user, List.of()))));
                    }
                }
            }
        }
        return records;
    }
}
