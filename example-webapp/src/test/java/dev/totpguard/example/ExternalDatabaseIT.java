package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.ExternalRequirement;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher on PostgreSQL and on MariaDB ({@code --jdbc-url}), as every node of a cluster would run it: the
 * first start creates the tables and the first administrator, a second node with the same key file signs the same
 * administrator in. Each run uses its own PostgreSQL schema or MariaDB database and drops it afterwards, so
 * parallel runs do not collide. Skipped without the server, a failure when {@code TOTPGUARD_REQUIRE_EXTERNAL=true}.
 */
class ExternalDatabaseIT {

    private static final String PASSWORD = "external-db-admin-password";

    @TempDir
    Path temp;

    @Test
    void twoNodesOnPostgreSqlShareAdministratorsAndKey() throws Exception {
        String schema = "tg_example_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String server = "jdbc:postgresql://127.0.0.1:5432/test";
        ExternalRequirement.assumeOrFail(reachable(server, "postgres"), "PostgreSQL on 127.0.0.1:5432 (database test, user postgres)");
        execute(server, "postgres", "CREATE SCHEMA " + schema);
        try {
            runTwoNodes(server + "?currentSchema=" + schema, "postgres");
        } finally {
            execute(server, "postgres", "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void twoNodesOnMariaDbShareAdministratorsAndKey() throws Exception {
        String database = "tg_example_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String server = "jdbc:mariadb://127.0.0.1:3306/test";
        ExternalRequirement.assumeOrFail(reachable(server, "root"), "MariaDB on 127.0.0.1:3306 (database test, user root)");
        execute(server, "root", "CREATE DATABASE " + database);
        try {
            runTwoNodes("jdbc:mariadb://127.0.0.1:3306/" + database, "root");
        } finally {
            execute(server, "root", "DROP DATABASE " + database);
        }
    }

    private void runTwoNodes(String jdbcUrl, String user) throws Exception {
        String keyFile = temp.resolve("shared.key").toString();
        try (LauncherProcess first = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0",
                "--data", temp.resolve("node1").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", user, "--key-file", keyFile);
             LauncherProcess second = LauncherProcess.start(Map.of(), "--port", "0",
                     "--data", temp.resolve("node2").toString(), "--jdbc-url", jdbcUrl, "--jdbc-user", user, "--key-file", keyFile)) {
            assertTrue(first.output().contains("Created the administrator 'admin'"), first.output());
            assertEquals("/admin/", new WebClient(first.baseUrl()).login("admin", PASSWORD).path());
            assertEquals("/admin/", new WebClient(second.baseUrl()).login("admin", PASSWORD).path(), "the second node shares the users");
        }
        LauncherProcess withoutKey = LauncherProcess.runToEnd(Map.of(), null, "--port", "0", "--data", temp.resolve("node3").toString(),
                "--jdbc-url", jdbcUrl, "--jdbc-user", user);
        assertEquals(2, withoutKey.exitStatus(), "a node without the shared key file refuses to start:\n" + withoutKey.output());
        LauncherIT.assertNoStackTrace(withoutKey);
    }

    private static boolean reachable(String url, String user) {
        try (Connection connection = DriverManager.getConnection(url, user, "")) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void execute(String url, String user, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
