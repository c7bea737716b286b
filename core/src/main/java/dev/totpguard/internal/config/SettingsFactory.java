package dev.totpguard.internal.config;

import dev.totpguard.AccountResolver;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.recovery.RecoveryCodes;
import dev.totpguard.store.JdbcAccountResolver;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Builds what the settings ({@link TotpGuardSettings}) describe: the {@link TwoFactorPolicy}, a ready
 * {@link TwoFactorService} with its key ring and JDBC store, the {@code DataSource}s of the JAAS module's user table
 * and of {@code totpguard.account.query}. A data source is a container's, looked up in JNDI, or a HikariCP pool over
 * {@code totpguard.jdbc.url} (by default {@value TotpGuardSettings#DEFAULT_JDBC_URL}); HikariCP is an optional
 * dependency, needed only for such a pool. Behind {@link TwoFactorServiceFactory#fromSettings(Map)} and the adapter
 * modules' settings; not API. Stateless.
 */
public final class SettingsFactory {

    private static final System.Logger LOG = System.getLogger(SettingsFactory.class.getName());

    /** Default of {@value TotpGuardSettings#JDBC_POOL_SIZE}. */
    private static final int DEFAULT_POOL_SIZE = 10;
    private static final int MAX_POOL_SIZE = 200;
    /** The pools of the JAAS user table and the account query: a few connections, opened when first needed. */
    private static final int HELPER_POOL_SIZE = 4;
    /** Default of {@value TotpGuardSettings#KEYSTORE_ALIAS}. */
    private static final String DEFAULT_KEYSTORE_ALIAS = "totpguard";
    /** The user that creates an embedded H2 database file, and so the default of {@value TotpGuardSettings#JDBC_USER} for H2. */
    private static final String H2_DEFAULT_USER = "sa";
    private static final String JNDI_FORM = "the JNDI name of a javax.sql.DataSource, e.g. java:comp/env/jdbc/totpguard";

    private SettingsFactory() {
    }

    /**
     * A ready service: the policy ({@link #policy}), the key ring (key file, environment variable or PKCS12 key
     * store — one is required) and the JDBC store (a container {@code DataSource} from JNDI, or a HikariCP pool that
     * the service closes in {@link TwoFactorService#close()}). Missing tables are created when
     * {@code totpguard.schema.create} says so (default: for H2 only).
     *
     * @throws IllegalArgumentException naming the key and the expected form when a setting is wrong or missing, e.g. a
     *     key file that does not exist, or a JDBC URL without HikariCP on the class path
     * @throws IllegalStateException if the tables were to be created and the database refused or was unreachable, or
     *     if the tables are missing or predate this version (the message names the schema file to re-run)
     */
    public static TwoFactorService service(Settings settings) {
        TwoFactorPolicy policy = policy(settings);
        KeyRing keyRing = keyRing(settings);
        AutoCloseable[] pool = new AutoCloseable[1];
        DataSource dataSource = dataSource(settings, TotpGuardSettings.JNDI_DATASOURCE, "totpguard",
                settings.integer(TotpGuardSettings.JDBC_POOL_SIZE, 1, MAX_POOL_SIZE).orElse(DEFAULT_POOL_SIZE), false,
                opened -> pool[0] = opened);
        try {
            boolean h2 = pool[0] != null && jdbcUrl(settings).startsWith("jdbc:h2:");
            JdbcCredentialStore.Builder store = JdbcCredentialStore.builder(dataSource);
            settings.parsed(TotpGuardSettings.JDBC_TABLE_PREFIX,
                    "a lower-case letter followed by up to 30 letters, digits or underscores", store::tablePrefix);
            boolean createSchema = settings.bool(TotpGuardSettings.SCHEMA_CREATE).orElse(h2);
            try {
                store.createSchemaIfMissing(createSchema);
                return TwoFactorService.builder().store(store.build()).keyRing(keyRing).policy(policy)
                        .closing(pool[0]).build();
            } catch (StoreException e) {
                throw new IllegalStateException(createSchema
                        ? "Cannot create the TOTP Guard tables (" + TotpGuardSettings.SCHEMA_CREATE + " = true): " + e.getMessage()
                        : "The TOTP Guard tables cannot be used: " + e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            if (pool[0] != null) {
                try {
                    pool[0].close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * The policy the settings describe; an unset key keeps the value of {@link TwoFactorPolicy#defaults()}.
     *
     * @throws IllegalArgumentException naming the key and the expected form when a value is malformed or out of range
     */
    public static TwoFactorPolicy policy(Settings settings) {
        TwoFactorPolicy defaults = TwoFactorPolicy.defaults();
        TwoFactorPolicy.Builder policy = defaults.toBuilder();
        TotpParameters.Builder parameters = TotpParameters.builder();
        settings.parsed(TotpGuardSettings.ALGORITHM, "SHA1, SHA256 or SHA512", HmacAlgorithm::fromName)
                .ifPresent(parameters::algorithm);
        parameters.digits(settings.integer(TotpGuardSettings.DIGITS, TotpParameters.MIN_DIGITS, TotpParameters.MAX_DIGITS)
                .orElse(defaults.parameters().digits()));
        parameters.periodSeconds(settings.integer(TotpGuardSettings.PERIOD, TotpParameters.MIN_PERIOD_SECONDS, TotpParameters.MAX_PERIOD_SECONDS)
                .orElse(defaults.parameters().periodSeconds()));
        policy.parameters(parameters.build());
        Optional<Integer> window = settings.integer(TotpGuardSettings.WINDOW, 0, Totp.MAX_WINDOW);
        policy.window(settings.integer(TotpGuardSettings.WINDOW_BACK, 0, Totp.MAX_WINDOW).or(() -> window).orElse(defaults.stepsBack()),
                settings.integer(TotpGuardSettings.WINDOW_AHEAD, 0, Totp.MAX_WINDOW).or(() -> window).orElse(defaults.stepsAhead()));
        settings.parsed(TotpGuardSettings.ISSUER, "a name of 1 to 256 characters without a colon", policy::issuer);
        settings.integer(TotpGuardSettings.SECRET_BYTES, Secret.MIN_BYTES, Secret.MAX_BYTES).ifPresent(policy::secretBytes);
        settings.integer(TotpGuardSettings.RECOVERY_COUNT, 1, RecoveryCodes.MAX_COUNT).ifPresent(policy::recoveryCodeCount);
        settings.choice(TotpGuardSettings.ENFORCEMENT, TwoFactorPolicy.Enforcement.class).ifPresent(policy::enforcement);
        Optional<Integer> graceDays = settings.integer(TotpGuardSettings.ENFORCEMENT_GRACE_DAYS, 0, TwoFactorPolicy.MAX_GRACE_DAYS);
        Optional<Integer> graceSignIns = settings.integer(TotpGuardSettings.ENFORCEMENT_GRACE_SIGN_INS, 0,
                TwoFactorPolicy.MAX_GRACE_SIGN_INS);
        if (graceDays.orElse(0) + graceSignIns.orElse(0) > 0
                && settings.choice(TotpGuardSettings.ENFORCEMENT, TwoFactorPolicy.Enforcement.class)
                        .orElse(defaults.enforcement()) != TwoFactorPolicy.Enforcement.REQUIRED) {
            // A grace under OPTIONAL would mean nothing: refuse it rather than let it look configured.
            throw settings.invalid(graceDays.orElse(0) > 0 ? TotpGuardSettings.ENFORCEMENT_GRACE_DAYS
                    : TotpGuardSettings.ENFORCEMENT_GRACE_SIGN_INS, "0 unless " + TotpGuardSettings.ENFORCEMENT + " is REQUIRED");
        }
        policy.enrollmentGrace(graceDays.orElse(0), graceSignIns.orElse(0));
        settings.integer(TotpGuardSettings.LOCKOUT_FAILURES, 1, TwoFactorPolicy.MAX_FAILURES_LIMIT).ifPresent(policy::maxFailures);
        Optional<Duration> maxSet = settings.duration(TotpGuardSettings.LOCKOUT_MAX, Duration.ofNanos(1), null);
        Duration base = settings.duration(TotpGuardSettings.LOCKOUT_BASE, Duration.ofNanos(1), null).orElse(defaults.lockoutBase());
        Duration max = maxSet.orElse(defaults.lockoutMax());
        if (max.compareTo(base) < 0) {
            // Blame the key that was set: a base above the default cap (found by fuzzing) has no max value.
            throw maxSet.isEmpty()
                    ? settings.invalid(TotpGuardSettings.LOCKOUT_BASE, "a duration no longer than "
                            + TotpGuardSettings.LOCKOUT_MAX + " (default " + max + ")")
                    : settings.invalid(TotpGuardSettings.LOCKOUT_MAX, "a duration at least as long as "
                            + TotpGuardSettings.LOCKOUT_BASE + " (" + base + ")");
        }
        policy.lockout(base, max);
        policy.addressLimit(settings.integer(TotpGuardSettings.ADDRESS_FAILURES, 0, 100_000).orElse(defaults.maxFailuresPerAddress()),
                settings.duration(TotpGuardSettings.ADDRESS_WINDOW, Duration.ofNanos(1), null).orElse(defaults.addressWindow()));
        settings.duration(TotpGuardSettings.ENROLLMENT_TIMEOUT, TwoFactorPolicy.MIN_ENROLLMENT_TIMEOUT, TwoFactorPolicy.MAX_ENROLLMENT_TIMEOUT)
                .ifPresent(policy::enrollmentTimeout);
        settings.duration(TotpGuardSettings.SESSIONS_REFRESH, Duration.ZERO, TwoFactorPolicy.MAX_SESSION_REFRESH).ifPresent(policy::sessionRefresh);
        settings.integer(TotpGuardSettings.TRUSTED_BROWSER_DAYS, 0, TwoFactorPolicy.MAX_TRUSTED_BROWSER_DAYS).ifPresent(policy::trustedBrowserDays);
        settings.integer(TotpGuardSettings.AUTHENTICATORS_MAX, 1, TwoFactorPolicy.MAX_AUTHENTICATORS).ifPresent(policy::maxAuthenticators);
        policy.passwordLimits(
                settings.integer(TotpGuardSettings.PASSWORD_ACCOUNT_ATTEMPTS, 0, 100_000).orElse(defaults.passwordAttemptsPerAccount()),
                settings.integer(TotpGuardSettings.PASSWORD_ADDRESS_ATTEMPTS, 0, 100_000).orElse(defaults.passwordAttemptsPerAddress()),
                settings.duration(TotpGuardSettings.PASSWORD_WINDOW, Duration.ofNanos(1), null).orElse(defaults.passwordWindow()));
        policy.passwordHashing(settings.integer(TotpGuardSettings.PASSWORD_CONCURRENCY, 1, TwoFactorPolicy.MAX_PASSWORD_CONCURRENCY).orElse(defaults.passwordConcurrency()),
                settings.duration(TotpGuardSettings.PASSWORD_QUEUE_WAIT, Duration.ZERO, TwoFactorPolicy.MAX_PASSWORD_QUEUE_WAIT)
                        .orElse(defaults.passwordQueueWait()));
        return policy.build();
    }

    /**
     * A {@code DataSource} for a table beside the store (the JAAS module's users, the account query): the container's
     * under the JNDI name of {@code jndiKey}, else the store's ({@value TotpGuardSettings#JNDI_DATASOURCE}), else a small
     * pool on the store's JDBC URL, which is handed to {@code poolOpened} to be closed when no longer needed.
     *
     * @throws IllegalArgumentException naming the key when the JNDI name cannot be looked up, or the JDBC URL is
     *     malformed or cannot be pooled (HikariCP absent, no driver)
     */
    public static DataSource dataSource(Settings settings, String jndiKey, String poolName,
            Consumer<? super AutoCloseable> poolOpened) {
        Optional<String> own = settings.string(jndiKey);
        if (own.isPresent()) {
            return lookUp(settings, jndiKey, own.get());
        }
        return dataSource(settings, TotpGuardSettings.JNDI_DATASOURCE, poolName, HELPER_POOL_SIZE, true, poolOpened);
    }

    /**
     * The resolver {@value TotpGuardSettings#ACCOUNT_QUERY} asks for: empty when it is unset; otherwise one over the
     * DataSource named by {@value TotpGuardSettings#ACCOUNT_JNDI_DATASOURCE}, else
     * {@value TotpGuardSettings#JNDI_DATASOURCE}, else {@code storeDataSource}.
     *
     * @param storeDataSource the DataSource to use when no JNDI name is set, or {@code null}
     * @throws IllegalArgumentException naming the key when the query is malformed, a JNDI name cannot be looked up,
     *     {@value TotpGuardSettings#ACCOUNT_JNDI_DATASOURCE} is set without a query, or no DataSource is known at all
     */
    public static Optional<AccountResolver> accountResolver(Settings settings, DataSource storeDataSource) {
        Optional<String> query = settings.string(TotpGuardSettings.ACCOUNT_QUERY);
        if (query.isEmpty()) {
            if (settings.string(TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE).isPresent()) {
                throw settings.invalid(TotpGuardSettings.ACCOUNT_QUERY, "a query when "
                        + TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE + " is set, e.g. SELECT username FROM users WHERE username = ?");
            }
            return Optional.empty();
        }
        DataSource dataSource = storeDataSource;
        for (String key : List.of(TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE, TotpGuardSettings.JNDI_DATASOURCE)) {
            Optional<String> name = settings.string(key);
            if (name.isPresent()) {
                dataSource = lookUp(settings, key, name.get());
                break;
            }
        }
        if (dataSource == null) {
            throw settings.invalid(TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE, "the JNDI name of the user table's DataSource,"
                    + " which " + TotpGuardSettings.ACCOUNT_QUERY + " needs");
        }
        DataSource users = dataSource;
        return settings.parsed(TotpGuardSettings.ACCOUNT_QUERY, "a SELECT with exactly one ? for the user name whose first"
                + " column is the stored name, e.g. SELECT username FROM users WHERE username = ?",
                text -> JdbcAccountResolver.of(users, text));
    }

    /**
     * The JNDI DataSource of {@code jndiKey}, else a pool of {@code poolSize} on the JDBC URL, given to
     * {@code poolOpened}; a {@code lazy} pool keeps no idle connections.
     */
    private static DataSource dataSource(Settings settings, String jndiKey, String poolName, int poolSize, boolean lazy,
            Consumer<? super AutoCloseable> poolOpened) {
        Optional<String> jndiName = settings.string(jndiKey);
        if (jndiName.isPresent()) {
            return lookUp(settings, jndiKey, jndiName.get());
        }
        String url = jdbcUrl(settings);
        boolean h2 = url.startsWith("jdbc:h2:");
        // Said of the default too, which is such a file: the operator who set nothing must learn where the store is.
        String named = settings.string(TotpGuardSettings.JDBC_URL).isPresent()
                ? "Setting " + TotpGuardSettings.JDBC_URL
                : "Without " + TotpGuardSettings.JDBC_URL + ", the default " + url + ",";
        relativeH2File(url).ifPresent(file -> LOG.log(System.Logger.Level.WARNING, named
                + " names an H2 file relative to the working directory, now " + file
                + ": started from another directory, TOTP Guard opens another, empty store (users would have to enroll"
                + " again). Give an absolute path, e.g. jdbc:h2:file:/var/lib/totpguard/totpguard"));
        if (!hikariAvailable()) {
            throw settings.invalid(TotpGuardSettings.JDBC_URL, "HikariCP (com.zaxxer:HikariCP) on the class path to pool"
                    + " connections to it: add that jar, or set " + TotpGuardSettings.JNDI_DATASOURCE
                    + " to a container DataSource, or build the service with TwoFactorService.builder() around a"
                    + " DataSource of your own");
        }
        String password = settings.secret(TotpGuardSettings.JDBC_PASSWORD).orElse("");
        try {
            DataSource pool = HikariPools.open(poolName, url,
                    settings.string(TotpGuardSettings.JDBC_USER).orElse(h2 ? H2_DEFAULT_USER : null),
                    password, poolSize, lazy);
            poolOpened.accept((AutoCloseable) pool);
            return pool;
        } catch (RuntimeException e) {
            // Not chained: the pool's message may repeat the URL, which may hold a password.
            throw settings.invalid(TotpGuardSettings.JDBC_URL, "a JDBC URL that can be used (is the database's JDBC"
                    + " driver on the class path?): " + causes(e, url, password));
        }
    }

    /**
     * The exceptions behind a failed pool, innermost last, each with its message unless that message repeats the URL
     * or the password: "RuntimeException, SQLException: No suitable driver".
     */
    static String causes(Throwable failure, String url, String password) {
        StringBuilder out = new StringBuilder();
        for (Throwable cause = failure; cause != null && out.length() < 500; cause = cause.getCause()) {
            out.append(out.length() == 0 ? "" : ", ").append(cause.getClass().getSimpleName());
            String message = cause.getMessage();
            boolean safe = message != null && !message.contains(url) && !message.contains("jdbc:")
                    && (password.isEmpty() || !message.contains(password));
            if (safe) {
                out.append(": ").append(message.length() > 120 ? message.substring(0, 120) + "..." : message);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return out.toString();
    }

    /** Checked here, not in {@link HikariPools}: loading that class would need the jar it asks about. */
    private static boolean hikariAvailable() {
        try {
            Class.forName("com.zaxxer.hikari.HikariDataSource", false, SettingsFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String jdbcUrl(Settings settings) {
        String url = settings.secret(TotpGuardSettings.JDBC_URL).map(String::strip).orElse(TotpGuardSettings.DEFAULT_JDBC_URL);
        if (!url.startsWith("jdbc:")) {
            throw settings.invalid(TotpGuardSettings.JDBC_URL, "a JDBC URL such as jdbc:postgresql://db:5432/app");
        }
        return url;
    }

    /**
     * The file an embedded H2 URL names when its path is relative ({@code ./data}, {@code ../data}, as in
     * {@link TotpGuardSettings#DEFAULT_JDBC_URL}), resolved against the working directory; empty for absolute and
     * home-relative ({@code ~/}) paths, in-memory and server ({@code tcp:}, {@code ssl:}) URLs and other databases.
     */
    static Optional<Path> relativeH2File(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String path = url.substring("jdbc:h2:".length());
        int options = path.indexOf(';');
        path = options < 0 ? path : path.substring(0, options);
        for (String prefix : List.of("file:", "split:", "nio:", "nioMapped:", "async:")) {
            if (path.startsWith(prefix)) {
                path = path.substring(prefix.length());
            }
        }
        boolean relative = path.equals(".") || path.startsWith("./") || path.startsWith("../")
                || path.startsWith(".\\") || path.startsWith("..\\");
        return relative ? Optional.of(Path.of(path).toAbsolutePath().normalize()) : Optional.empty();
    }

    private static KeyRing keyRing(Settings settings) {
        Optional<Path> file = settings.path(TotpGuardSettings.KEY_FILE);
        Optional<String> env = settings.string(TotpGuardSettings.KEY_ENV);
        Optional<Path> keyStore = settings.path(TotpGuardSettings.KEYSTORE_FILE);
        String key = file.isPresent() ? TotpGuardSettings.KEY_FILE : env.isPresent() ? TotpGuardSettings.KEY_ENV
                : TotpGuardSettings.KEYSTORE_FILE;
        try {
            if (file.isPresent()) {
                return KeyRing.fromKeyFile(file.get());
            }
            if (env.isPresent()) {
                return KeyRing.fromEnvironment(env.get());
            }
            if (keyStore.isPresent()) {
                String password = settings.secret(TotpGuardSettings.KEYSTORE_PASSWORD).orElseThrow(() -> settings.invalid(
                        TotpGuardSettings.KEYSTORE_PASSWORD, "the password of " + TotpGuardSettings.KEYSTORE_FILE));
                return KeyRing.fromKeyStore(keyStore.get(), password.toCharArray(),
                        settings.string(TotpGuardSettings.KEYSTORE_ALIAS).orElse(DEFAULT_KEYSTORE_ALIAS));
            }
        } catch (StoreException e) {
            IllegalArgumentException invalid = settings.invalid(key, "a usable key ring (" + e.getMessage() + ")");
            invalid.initCause(e);
            throw invalid;
        }
        throw new InvalidSettingException("No key for encrypting TOTP secrets is configured: set " + TotpGuardSettings.KEY_FILE
                + " (a key file created once with KeyRing.generateKeyFile, mode 0600), " + TotpGuardSettings.KEY_ENV
                + " (the name of an environment variable holding a base64 AES-256 key) or " + TotpGuardSettings.KEYSTORE_FILE
                + " (a PKCS12 key store)");
    }

    private static DataSource lookUp(Settings settings, String key, String jndiName) {
        Object found;
        try {
            found = new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            IllegalArgumentException invalid = settings.invalid(key, JNDI_FORM + " (" + e.getMessage() + ")");
            invalid.initCause(e);
            throw invalid;
        }
        if (found instanceof DataSource) {
            return (DataSource) found;
        }
        throw settings.invalid(key, JNDI_FORM + ", not a " + (found == null ? "null" : found.getClass().getName()));
    }
}
