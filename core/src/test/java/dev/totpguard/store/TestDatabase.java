package dev.totpguard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.testkit.ExternalRequirement;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A real database for one test class: embedded H2 in file mode under a temporary directory, or the
 * PostgreSQL / MariaDB servers of the machine (skipped where absent, required in CI). Every instance uses
 * its own random table prefix, so test classes and parallel builds never share rows, and drops its tables
 * when closed.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String POSTGRESQL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

    private final JdbcCredentialStore.Database kind;
    private final String url;
    private final String user;
    private final String password;
    private final String prefix;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private TestDatabase(JdbcCredentialStore.Database kind, String url, String user, String password) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.password = password;
        this.prefix = "t" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE) + "_";
    }

    /** H2 in file mode in {@code directory}; the lock timeout leaves room for the concurrency tests. */
    public static TestDatabase h2(Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("totpguard").toAbsolutePath();
        return new TestDatabase(JdbcCredentialStore.Database.H2, url, "sa", "");
    }

    /** The PostgreSQL server at 127.0.0.1:5432, database test, user postgres. */
    public static TestDatabase postgresql() {
        TestDatabase database = new TestDatabase(JdbcCredentialStore.Database.POSTGRESQL, POSTGRESQL_URL, "postgres", "");
        database.requireReachable("PostgreSQL at 127.0.0.1:5432 (database test, user postgres)");
        return database;
    }

    /** The MariaDB server at 127.0.0.1:3306, database test, user root. */
    public static TestDatabase mariadb() {
        TestDatabase database = new TestDatabase(JdbcCredentialStore.Database.MARIADB, MARIADB_URL, "root", "");
        database.requireReachable("MariaDB at 127.0.0.1:3306 (database test, user root)");
        return database;
    }

    public JdbcCredentialStore.Database kind() {
        return kind;
    }

    public String prefix() {
        return prefix;
    }

    public String url() {
        return url;
    }

    /** A new connection pool of its own, as a separate application node would have. Closed with this database. */
    public HikariDataSource newPool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(10_000);
        config.setPoolName("test-" + kind.name().toLowerCase(Locale.ROOT) + "-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** A store over a new pool, creating the tables when they are missing. */
    public JdbcCredentialStore newStore() throws StoreException {
        return newStore(newPool(8));
    }

    public JdbcCredentialStore newStore(javax.sql.DataSource dataSource) throws StoreException {
        return JdbcCredentialStore.builder(dataSource).tablePrefix(prefix).createSchemaIfMissing(true).build();
    }

    /** A plain connection (no pool), for inspecting tables. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** The tables of this database's prefix, in an order that can be dropped. */
    public List<String> tables() {
        return List.of(prefix + "authenticator", prefix + "recovery_code", prefix + "address_failure", prefix + "session_revocation", prefix + "trusted_browser",
                prefix + "enrollment_grace",
                prefix + "credential");
    }

    @Override
    public void close() throws SQLException {
        for (HikariDataSource pool : pools) {
            pool.close();
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String table : tables()) {
                statement.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private void requireReachable(String what) {
        boolean reachable;
        DriverManager.setLoginTimeout(5);
        try (Connection connection = connect()) {
            reachable = connection.isValid(5);
        } catch (SQLException e) {
            reachable = false;
        }
        ExternalRequirement.assumeOrFail(reachable, what);
    }
}
