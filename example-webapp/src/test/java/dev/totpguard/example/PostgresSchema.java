package dev.totpguard.example;

import dev.totpguard.testkit.ExternalRequirement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema on the test server (127.0.0.1:5432, database {@code test}, user {@code postgres},
 * trust), dropped with everything in it on {@link #close()}, so parallel or repeated runs never see each other's
 * tables. Skips the calling test when the server is missing, or fails it when
 * {@code TOTPGUARD_REQUIRE_EXTERNAL=true} (see {@link ExternalRequirement}).
 */
final class PostgresSchema implements AutoCloseable {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    /** @param prefix the start of the schema's name, which ends with a random suffix */
    static PostgresSchema create(String prefix) throws SQLException {
        ExternalRequirement.assumeOrFail(reachable(), "PostgreSQL on 127.0.0.1:5432 (database test, user postgres)");
        PostgresSchema schema = new PostgresSchema(prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        execute("CREATE SCHEMA " + schema.name);
        return schema;
    }

    /** The JDBC URL whose connections work in this schema. */
    String jdbcUrl() {
        return SERVER + "?currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA " + name + " CASCADE");
    }

    private static boolean reachable() {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "")) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
