package dev.totpguard.jaas;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.AccountResolver;
import dev.totpguard.TotpGuardSettings;
import dev.totpguard.store.JdbcAccountResolver;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Builds the {@link PasswordVerifier} that options name ({@code totpguard.jaas.password.source}) and, in stacked
 * mode, the {@link AccountResolver} of {@code totpguard.account.query}, through {@link SharedServices} so each users
 * configuration is read once. Stateless.
 */
final class PasswordVerifiers {

    private PasswordVerifiers() {
    }

    /**
     * The verifier for standalone mode.
     *
     * @throws IllegalArgumentException naming the option when the users file or DataSource cannot be used
     */
    static PasswordVerifier forOptions(LoginModuleOptions options) {
        Map<String, String> key = new TreeMap<>(options.serviceSettings());
        key.put("source", options.passwordSource().name());
        key.put("file", options.passwordFile());
        key.put("iterations", Integer.toString(options.passwordIterations()));
        key.put("jndi", options.usersJndi());
        key.put("layout", String.join(",", options.usersTable(), options.usersNameColumn(),
                options.usersPasswordColumn(), options.rolesTable(), options.rolesColumn()));
        return SharedServices.verifier(key, () -> build(options));
    }

    /**
     * The resolver of stacked mode: a {@link JdbcAccountResolver} when {@code totpguard.account.query} is set (on the
     * DataSource of {@code totpguard.account.jndi-datasource}, else the store's JNDI DataSource, else a small pool on
     * the store's JDBC URL), otherwise the name as the password module gives it.
     *
     * @throws IllegalArgumentException naming the key when the query is malformed or its DataSource cannot be found
     */
    static AccountResolver accountResolver(LoginModuleOptions options) {
        Map<String, String> account = new HashMap<>(options.accountSettings());
        String storeJndi = options.serviceSettings().get(TotpGuardSettings.JNDI_DATASOURCE);
        if (storeJndi != null) {
            account.put(TotpGuardSettings.JNDI_DATASOURCE, storeJndi);
        }
        if (account.getOrDefault(TotpGuardSettings.ACCOUNT_QUERY, "").isEmpty()) {
            // Refuses a jndi-datasource without a query, naming both keys.
            return JdbcAccountResolver.fromSettings(account, null).orElse(AccountResolver.asGiven());
        }
        Map<String, String> key = new TreeMap<>(options.serviceSettings());
        key.putAll(account);
        key.put("kind", "account");
        return SharedServices.resolver(key, () -> {
            boolean named = !account.getOrDefault(TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE, "").isEmpty() || storeJndi != null;
            return JdbcAccountResolver.fromSettings(account,
                    named ? null : pool("totpguard-jaas-accounts", options.serviceSettings())).orElseThrow();
        });
    }

    private static PasswordVerifier build(LoginModuleOptions options) {
        PasswordHash hasher = PasswordHash.builder().iterations(options.passwordIterations()).build();
        if (options.passwordSource() == LoginModuleOptions.PasswordSource.PROPERTIES) {
            try {
                return PropertiesPasswordVerifier.load(Path.of(options.passwordFile()), hasher);
            } catch (PasswordStoreException e) {
                throw new IllegalArgumentException("JAAS option " + TotpGuardSettings.JAAS_PASSWORD_FILE + ": "
                        + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), e);
            }
        }
        return JdbcPasswordVerifier.builder(dataSource(options)).passwordHash(hasher)
                .userTable(options.usersTable()).nameColumn(options.usersNameColumn())
                .passwordColumn(options.usersPasswordColumn()).roleTable(options.rolesTable())
                .roleColumn(options.rolesColumn()).build();
    }

    /** {@code users.jndi}, else the store's JNDI DataSource, else a small pool on the store's JDBC URL. */
    private static DataSource dataSource(LoginModuleOptions options) {
        Map<String, String> settings = options.serviceSettings();
        String jndi = !options.usersJndi().isEmpty() ? options.usersJndi()
                : settings.getOrDefault(TotpGuardSettings.JNDI_DATASOURCE, "");
        if (!jndi.isEmpty()) {
            String key = !options.usersJndi().isEmpty() ? TotpGuardSettings.JAAS_USERS_JNDI : TotpGuardSettings.JNDI_DATASOURCE;
            try {
                Object found = new InitialContext().lookup(jndi);
                if (found instanceof DataSource) {
                    return (DataSource) found;
                }
                throw new IllegalArgumentException("JAAS option " + key + ": JNDI name " + jndi
                        + " is not a javax.sql.DataSource");
            } catch (NamingException e) {
                throw new IllegalArgumentException("JAAS option " + key + ": JNDI name " + jndi
                        + " cannot be looked up (" + e.getMessage() + ")", e);
            }
        }
        return pool("totpguard-jaas-users", settings);
    }

    /** A small pool on the store's JDBC URL, closed with the shared services. */
    private static DataSource pool(String name, Map<String, String> settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        String url = settings.getOrDefault(TotpGuardSettings.JDBC_URL, TotpGuardSettings.DEFAULT_JDBC_URL);
        config.setJdbcUrl(url);
        // The same default user as the store's pool (TwoFactorService.fromSettings): H2 files are created by "sa".
        config.setUsername(settings.getOrDefault(TotpGuardSettings.JDBC_USER, url.startsWith("jdbc:h2:") ? "sa" : null));
        config.setPassword(settings.get(TotpGuardSettings.JDBC_PASSWORD));
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        // Start lazily: a database that is down at start-up fails logins closed, it does not break start-up.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(config);
        SharedServices.remember(pool);
        return pool;
    }
}
