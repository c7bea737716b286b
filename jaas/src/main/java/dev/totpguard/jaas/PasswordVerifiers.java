package dev.totpguard.jaas;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.TotpGuardSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Builds the {@link PasswordVerifier} that options name ({@code totpguard.jaas.password.source}), through
 * {@link SharedServices} so each users configuration is read once. Stateless.
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
        HikariConfig config = new HikariConfig();
        config.setPoolName("totpguard-jaas-users");
        config.setJdbcUrl(settings.getOrDefault(TotpGuardSettings.JDBC_URL, TotpGuardSettings.DEFAULT_JDBC_URL));
        config.setUsername(settings.get(TotpGuardSettings.JDBC_USER));
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
