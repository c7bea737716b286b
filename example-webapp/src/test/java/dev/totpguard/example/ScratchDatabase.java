package dev.totpguard.example;

import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.testkit.ExternalRequirement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database on one of the test servers, dropped with everything in it on {@link #close()}, so parallel or
 * repeated runs never see each other's tables: a schema of its own on PostgreSQL (127.0.0.1:5432, database
 * {@code test}, user {@code postgres}, trust), or a database of its own on MariaDB (127.0.0.1:3306, user
 * {@code root}, no password). Skips the calling test when the server is missing, or fails it when
 * {@code TOTPGUARD_REQUIRE_EXTERNAL=true} (see {@link ExternalRequirement}).
 */
final class ScratchDatabase implements AutoCloseable {

    static final String POSTGRES_USER = "postgres";
    private static final String POSTGRES_SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";

    private final String server;
    private final String user;
    private final String jdbcUrl;
    private final String drop;

    private ScratchDatabase(String server, String user, String jdbcUrl, String drop) {
        this.server = server;
        this.user = user;
        this.jdbcUrl = jdbcUrl;
        this.drop = drop;
    }

    /** A new schema on the PostgreSQL test server; {@code prefix} starts its name, a random suffix ends it. */
    static ScratchDatabase postgres(String prefix) throws SQLException {
        String name = uniqueName(prefix);
        return create(POSTGRES_SERVER, POSTGRES_USER, "PostgreSQL on 127.0.0.1:5432 (database test, user postgres)",
                POSTGRES_SERVER + "?currentSchema=" + name, "CREATE SCHEMA " + name, "DROP SCHEMA " + name + " CASCADE");
    }

    /** A new database on the MariaDB test server; {@code prefix} starts its name, a random suffix ends it. */
    static ScratchDatabase mariaDb(String prefix) throws SQLException {
        String name = uniqueName(prefix);
        return create(MARIADB + "test", "root", "MariaDB on 127.0.0.1:3306 (database test, user root)",
                MARIADB + name, "CREATE DATABASE " + name, "DROP DATABASE " + name);
    }

    private static ScratchDatabase create(String server, String user, String what, String jdbcUrl, String create, String drop)
            throws SQLException {
        ExternalRequirement.assumeOrFail(reachable(server, user), what);
        ScratchDatabase database = new ScratchDatabase(server, user, jdbcUrl, drop);
        executeOn(server, user, create);
        return database;
    }

    private static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** The JDBC URL whose connections work in this schema or database. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** The database user, who has no password. */
    String user() {
        return user;
    }

    /** A connection into this schema or database. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, "");
    }

    /** Runs one statement in this schema or database. */
    void execute(String sql) throws SQLException {
        executeOn(jdbcUrl, user, sql);
    }

    /**
     * A service on this database and {@code keyFile}, as the admin pages and the {@code admin} commands of any node
     * use it: a third party beside the launcher nodes. Close it.
     */
    TwoFactorService service(String keyFile) {
        return TwoFactorServiceFactory.fromSettings(Map.of(TotpGuardSettings.JDBC_URL, jdbcUrl, TotpGuardSettings.JDBC_USER, user,
                TotpGuardSettings.KEY_FILE, keyFile, TotpGuardSettings.JDBC_POOL_SIZE, "2"));
    }

    @Override
    public void close() throws SQLException {
        executeOn(server, user, drop);
    }

    private static boolean reachable(String url, String user) {
        try (Connection connection = DriverManager.getConnection(url, user, "")) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void executeOn(String url, String user, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
