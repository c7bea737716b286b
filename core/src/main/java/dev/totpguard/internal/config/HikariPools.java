package dev.totpguard.internal.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * The only class that names HikariCP, an optional dependency: {@link SettingsFactory} loads it only after
 * checking that the jar is there, so that a service built around the application's own {@code DataSource} runs
 * without it.
 */
final class HikariPools {

    private HikariPools() {
    }

    /**
     * A pool that starts even while the database is down (requests fail closed until it is back) and waits at most
     * 5 seconds for a connection, so a login is refused quickly when the database is dead. The result is also an
     * {@link AutoCloseable}.
     */
    static DataSource open(String name, String url, String user, String password, int size, boolean lazy) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        if (lazy) {
            config.setMinimumIdle(0);
        }
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
