package dev.totpguard.example.spring;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example's own settings ({@code example.*}, e.g. {@code --example.data=/var/lib/admin} or the environment
 * variable {@code EXAMPLE_DATA}). TOTP Guard's settings are not here: the example builds its service in code.
 *
 * @param data the data folder: the H2 database and the first password file; its key file lies beside it
 * @param jdbcUrl a PostgreSQL or MariaDB URL instead of the H2 database in {@code data}
 * @param jdbcUser the database account for {@code jdbcUrl}
 * @param jdbcPassword its password
 * @param keyFile the AES key file for the TOTP secrets; by default {@code DATA-keys/totpguard.key}, outside the data
 *     folder, so that a backup of the database does not carry the key that opens its secrets
 * @param stepUpAge how recent the code must be for {@code /admin/settings} (Spring Security's {@code validDuration})
 */
@ConfigurationProperties("example")
public record ExampleProperties(
        @DefaultValue("totpguard-spring-data") Path data,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        Path keyFile,
        @DefaultValue("PT5M") Duration stepUpAge) {

    /** True when the database is the H2 file in the data folder. */
    public boolean usesBuiltInDatabase() {
        return jdbcUrl == null || jdbcUrl.isBlank();
    }

    public String effectiveJdbcUrl() {
        return usesBuiltInDatabase() ? "jdbc:h2:file:" + data.toAbsolutePath().resolve("example") : jdbcUrl;
    }

    public Path effectiveKeyFile() {
        if (keyFile != null) {
            return keyFile;
        }
        Path absolute = data.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + "-keys").resolve("totpguard.key");
    }
}
