package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcPasswordVerifierTest {

    private static final PasswordHash HASH = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build();

    private JdbcDataSource dataSource;

    @BeforeEach
    void createTablesFromTheShippedSchema() throws Exception {
        if (dataSource == null) {
            dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:mem:users-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        }
        String ddl;
        try (InputStream in = JdbcPasswordVerifier.class.getResourceAsStream("/META-INF/totpguard/sql/users.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : ddl.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
            addUser(connection, "alice", HASH.hash("alice-pw".toCharArray()), "admin", "auditor");
            addUser(connection, "carol", "not-a-hash");
        }
    }

    private static void addUser(Connection connection, String user, String hash, String... roles) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO totpguard_user VALUES (?, ?)")) {
            insert.setString(1, user);
            insert.setString(2, hash);
            insert.executeUpdate();
        }
        for (String role : roles) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO totpguard_user_role VALUES (?, ?)")) {
                insert.setString(1, user);
                insert.setString(2, role);
                insert.executeUpdate();
            }
        }
    }

    @Test
    void aCaseInsensitiveUserTableAnswersWithTheStoredName() throws Exception {
        // H2 with IGNORECASE compares names as MariaDB's default collation does: ALICE finds alice's row.
        dataSource.setURL("jdbc:h2:mem:users-ci-" + System.nanoTime() + ";IGNORECASE=TRUE;DB_CLOSE_DELAY=-1");
        createTablesFromTheShippedSchema();

        for (String spelling : List.of("ALICE", "Alice", "aLiCe")) {
            assertEquals(Optional.of(new VerifiedAccount("alice", Set.of("admin", "auditor"))),
                    verifier().verify(spelling, "alice-pw".toCharArray()), spelling);
        }
    }

    private JdbcPasswordVerifier verifier() {
        return JdbcPasswordVerifier.builder(dataSource).passwordHash(HASH).build();
    }

    @Test
    void rightPasswordGivesTheUsersRoles() throws Exception {
        assertEquals(Optional.of(new VerifiedAccount("alice", Set.of("admin", "auditor"))), verifier().verify("alice", "alice-pw".toCharArray()));
    }

    @Test
    void wrongPasswordUnknownUserAndMalformedHashAllLookTheSame() throws Exception {
        assertEquals(Optional.empty(), verifier().verify("alice", "wrong".toCharArray()));
        assertEquals(Optional.empty(), verifier().verify("nobody", "alice-pw".toCharArray()));
        assertEquals(Optional.empty(), verifier().verify("carol", "not-a-hash".toCharArray()));
    }

    @Test
    void sqlInjectionInTheUserNameIsJustAnUnknownUser() throws Exception {
        assertEquals(Optional.empty(), verifier().verify("alice' OR '1'='1", "alice-pw".toCharArray()));
    }

    @Test
    void unreachableDatabaseIsAStoreErrorNotAWrongPassword() {
        JdbcDataSource dead = new JdbcDataSource();
        dead.setURL("jdbc:h2:mem:gone;IFEXISTS=TRUE");
        JdbcPasswordVerifier verifier = JdbcPasswordVerifier.builder(dead).passwordHash(HASH).build();
        assertThrows(PasswordStoreException.class, () -> verifier.verify("alice", "alice-pw".toCharArray()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"users; DROP TABLE x", "a b", "1users", "users--", "a.b.c", ""})
    void tableAndColumnNamesMustBePlainIdentifiers(String name) {
        assertThrows(IllegalArgumentException.class, () -> JdbcPasswordVerifier.builder(dataSource).userTable(name));
        assertThrows(IllegalArgumentException.class, () -> JdbcPasswordVerifier.builder(dataSource).roleColumn(name));
    }
}
