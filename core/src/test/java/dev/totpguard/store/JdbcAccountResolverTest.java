package dev.totpguard.store;

import dev.totpguard.internal.config.SettingsFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcAccountResolver} on a real H2 table whose names compare case-insensitively, as a directory's would. */
class JdbcAccountResolverTest {

    private final JdbcDataSource users = new JdbcDataSource();

    @BeforeEach
    void userTable() throws Exception {
        users.setURL("jdbc:h2:mem:accounts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = users.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE users (username VARCHAR_IGNORECASE(64) NOT NULL, team VARCHAR(20))");
            statement.execute("INSERT INTO users VALUES ('admin', 'ops'), ('Carol', 'ops'), ('carol', 'dev')");
        }
    }

    @Test
    void anotherSpellingResolvesToTheStoredName() throws Exception {
        assertEquals(Optional.of("admin"), JdbcAccountResolver.of(users, "SELECT username FROM users WHERE username = ?").account("ADMIN"));
    }

    @Test
    void anUnknownNameOrSeveralMatchingAccountsResolveToNothing() throws Exception {
        JdbcAccountResolver resolver = JdbcAccountResolver.of(users, "SELECT username FROM users WHERE username = ?");
        assertEquals(Optional.empty(), resolver.account("mallory"));
        assertEquals(Optional.empty(), resolver.account("CAROL"), "two accounts match: refused, not the first one");
    }

    @Test
    void aQueryWithoutExactlyOneParameterIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcAccountResolver.of(users, "SELECT username FROM users"));
        assertTrue(e.getMessage().contains(TotpGuardSettings.ACCOUNT_QUERY), e.getMessage());
    }

    @Test
    void settingsWithoutAQueryMeanTheNameAsGiven() {
        assertEquals(Optional.empty(), SettingsFactory.accountResolver(Settings.of(Map.of(), "setting"), users));
        assertTrue(SettingsFactory.accountResolver(Settings.of(Map.of(TotpGuardSettings.ACCOUNT_QUERY, "SELECT username FROM users WHERE username = ?"), "setting"),
                users).isPresent());
        assertThrows(IllegalArgumentException.class, () -> SettingsFactory.accountResolver(Settings.of(
                Map.of(TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE, "java:comp/env/jdbc/users"), "setting"), users), "a DataSource without a query is a mistake");
    }

    @Test
    void anUnreachableTableIsAStoreFailure() {
        JdbcDataSource missing = new JdbcDataSource();
        missing.setURL("jdbc:h2:mem:empty-" + UUID.randomUUID());
        assertThrows(StoreException.class, () -> JdbcAccountResolver.of(missing, "SELECT username FROM users WHERE username = ?").account("admin"));
    }
}
