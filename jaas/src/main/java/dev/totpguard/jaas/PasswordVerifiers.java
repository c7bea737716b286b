package dev.totpguard.jaas;

import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.AccountResolver;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
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
     * The resolver of stacked mode: a {@link dev.totpguard.store.JdbcAccountResolver} when {@code totpguard.account.query}
     * is set (on the DataSource of {@code totpguard.account.jndi-datasource}, else the store's JNDI DataSource, else a
     * small pool on the store's JDBC URL), otherwise the name as the password module gives it.
     *
     * @throws IllegalArgumentException naming the key when the query is malformed or its DataSource cannot be found
     */
    static AccountResolver accountResolver(LoginModuleOptions options) {
        Settings settings = options.settings();
        if (options.accountSettings().get(TotpGuardSettings.ACCOUNT_QUERY) == null) {
            // Refuses a jndi-datasource without a query, naming both keys.
            return SettingsFactory.accountResolver(settings, null).orElse(AccountResolver.asGiven());
        }
        Map<String, String> key = new TreeMap<>(options.serviceSettings());
        key.putAll(options.accountSettings());
        key.put("kind", "account");
        return SharedServices.resolver(key, () -> SettingsFactory.accountResolver(settings,
                SettingsFactory.dataSource(settings, TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE,
                        "totpguard-jaas-accounts", SharedServices::remember)).orElseThrow());
    }

    private static PasswordVerifier build(LoginModuleOptions options) {
        PasswordHash hasher = PasswordHash.builder().iterations(options.passwordIterations()).build();
        if (options.passwordSource() == LoginModuleOptions.PasswordSource.PROPERTIES) {
            try {
                return PropertiesPasswordVerifier.load(Path.of(options.passwordFile()), hasher);
            } catch (PasswordStoreException e) {
                IllegalArgumentException invalid = options.settings().invalid(TotpGuardSettings.JAAS_PASSWORD_FILE,
                        "a readable users file (" + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()) + ")");
                invalid.initCause(e);
                throw invalid;
            }
        }
        // users.jndi, else the store's JNDI DataSource, else a small pool on the store's JDBC URL.
        DataSource users = SettingsFactory.dataSource(options.settings(), TotpGuardSettings.JAAS_USERS_JNDI,
                "totpguard-jaas-users", SharedServices::remember);
        return JdbcPasswordVerifier.builder(users).passwordHash(hasher)
                .userTable(options.usersTable()).nameColumn(options.usersNameColumn())
                .passwordColumn(options.usersPasswordColumn()).roleTable(options.rolesTable())
                .roleColumn(options.rolesColumn()).build();
    }
}
