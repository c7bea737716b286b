package dev.totpguard.example.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            throw new DataAccessException("Cannot connect to the database at " + redact(jdbcUrl) + ": "
                    + hide(rootMessage(e), jdbcUrl), e);
        }
    }

    /** A password parameter's value (also URL-encoded, {@code password%3D}) or the password of {@code //user:password@}. */
    private static final Pattern SECRET = Pattern.compile("(?i)(?:password(?:=|%3D)([^&;\\s]*))|(?://[^/@:;?]*:([^/@;?]*)@)");

    /** The URL without its passwords ({@code password=} parameters, {@code user:password@}), fit for a message or a log line. */
    public static String redact(String jdbcUrl) {
        return hide(jdbcUrl, jdbcUrl);
    }

    /** {@code text} (a driver's message, say) with every password of {@code jdbcUrl} replaced by {@code ***}. */
    public static String hide(String text, String jdbcUrl) {
        String hidden = text;
        Matcher secrets = SECRET.matcher(jdbcUrl);
        while (secrets.find()) {
            String secret = secrets.group(1) != null ? secrets.group(1) : secrets.group(2);
            if (secret != null && !secret.isEmpty()) {
                hidden = hidden.replace(secret, "***");
            }
        }
        return hidden;
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
