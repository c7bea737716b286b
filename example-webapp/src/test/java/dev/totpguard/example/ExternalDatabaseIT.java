package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
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
        try (ScratchDatabase database = ScratchDatabase.postgres("tg_example")) {
            runTwoNodes(database);
        }
    }

    @Test
    void twoNodesOnMariaDbShareAdministratorsAndKey() throws Exception {
        try (ScratchDatabase database = ScratchDatabase.mariaDb("tg_example")) {
            runTwoNodes(database);
        }
    }

    private void runTwoNodes(ScratchDatabase database) throws Exception {
        String keyFile = temp.resolve("shared.key").toString();
        try (LauncherProcess first = LauncherProcess.startNode(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), temp.resolve("node1"),
                database, keyFile);
             LauncherProcess second = LauncherProcess.startNode(Map.of(), temp.resolve("node2"), database, keyFile)) {
            assertTrue(first.output().contains("Created the administrator 'admin'"), first.output());
            assertEquals("/admin/", new WebClient(first.baseUrl()).login("admin", PASSWORD).path());
            assertEquals("/admin/", new WebClient(second.baseUrl()).login("admin", PASSWORD).path(), "the second node shares the users");
        }
        LauncherProcess withoutKey = LauncherProcess.runToEnd(Map.of(), null, "--port", "0", "--data", temp.resolve("node3").toString(),
                "--jdbc-url", database.jdbcUrl(), "--jdbc-user", database.user());
        assertEquals(1, withoutKey.exitStatus(), "a node without the shared key file refuses to start:\n" + withoutKey.output());
        LauncherIT.assertNoStackTrace(withoutKey);
    }
}
