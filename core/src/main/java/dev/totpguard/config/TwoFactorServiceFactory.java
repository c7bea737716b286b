package dev.totpguard.config;

import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.internal.config.SettingsFactory;
import java.util.Map;

/**
 * Builds a ready {@link TwoFactorService} from TOTP Guard's settings ({@link TotpGuardSettings}): the policy, the key
 * ring and the JDBC store over a container's JNDI {@code DataSource} or a HikariCP pool over
 * {@code totpguard.jdbc.url} (by default {@value TotpGuardSettings#DEFAULT_JDBC_URL}); HikariCP is an optional
 * dependency, needed only for such a pool. Code that hands {@link TwoFactorService#builder()} a store of its own
 * needs none of this. Stateless.
 */
public final class TwoFactorServiceFactory {

    private TwoFactorServiceFactory() {
    }

    /**
     * A ready service: the policy the settings describe (an unset key keeps the value of
     * {@link dev.totpguard.TwoFactorPolicy#defaults()}), the key ring (key file, environment variable or PKCS12 key
     * store — one is required) and the JDBC store (a container {@code DataSource} from JNDI, or a HikariCP pool that
     * the service closes in {@link TwoFactorService#close()}). Missing tables are created when
     * {@code totpguard.schema.create} says so (default: for H2 only).
     *
     * @param settings {@code totpguard.*} keys and their values; an unknown {@code totpguard.*} key is refused
     * @throws IllegalArgumentException naming the key and the expected form when a setting is wrong or missing, e.g. a
     *     key file that does not exist, or a JDBC URL without HikariCP on the class path
     * @throws IllegalStateException if the tables were to be created and the database refused or was unreachable, or
     *     if the tables are missing or predate this version (the message names the schema file to re-run)
     */
    public static TwoFactorService fromSettings(Map<String, String> settings) {
        return SettingsFactory.service(Settings.of(settings, "setting"));
    }
}
