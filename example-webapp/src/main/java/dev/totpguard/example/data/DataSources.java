package dev.totpguard.example.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;

/**
 * Opens the connection pool (HikariCP) for H2, PostgreSQL or MariaDB. The pool checks one connection at once, so
 * an unreachable database is reported at start-up, not at the first login.
 */
public final class DataSources {

    private DataSources() {
    }

    /**
     * @throws DataAccessException naming the (password-free) URL and the driver's reason when no connection can
     *     be made within a few seconds
     */
    public static HikariDataSource open(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize)
            throws DataAccessException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("totpguard-example");
        config.setJdbcUrl(jdbcUrl);
        user.ifPresent(config::setUsername);
        password.ifPresent(config::setPassword);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(3_000);
        // Fail at once when the first connection cannot be made, instead of retrying in the background.
        config.setInitializationFailTimeout(1);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // HikariPool.PoolInitializationException for an unreachable server, IllegalArgumentException and
            // others for a URL no driver accepts: all mean "cannot use this database".
            throw new DataAccessException("Cannot connect to the database at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
    }

    /** The URL without a {@code password=} parameter, fit for a message or a log line. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** The innermost cause's message: what the driver said, without the pool's wrapping. */
    public static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message.strip();
    }
}
