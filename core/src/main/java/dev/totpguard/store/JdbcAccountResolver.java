package dev.totpguard.store;

import dev.totpguard.AccountResolver;
import dev.totpguard.TotpGuardSettings;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * An {@link AccountResolver} over the application's user table: runs the query of
 * {@value TotpGuardSettings#ACCOUNT_QUERY} (e.g. {@code SELECT username FROM users WHERE username = ?}) with the
 * signed-in name and returns the stored name of the one row it finds. No row, several rows (a case-insensitive
 * column without a unique key matches several accounts) or an empty name: empty, so the login is refused. The
 * query runs with the same comparison the password check used, so it finds exactly the account that accepted the
 * password. One query per call; callers resolve once per login, never per request.
 *
 * <p>Immutable and thread-safe: it holds only the {@link DataSource} and the query text.
 */
public final class JdbcAccountResolver implements AccountResolver {

    private static final System.Logger LOG = System.getLogger(JdbcAccountResolver.class.getName());

    private final DataSource dataSource;
    private final String query;

    private JdbcAccountResolver(DataSource dataSource, String query) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.query = checkQuery(query);
    }

    /**
     * @param query a SELECT with exactly one {@code ?} (the name) whose first column is the canonical id
     * @throws IllegalArgumentException naming {@value TotpGuardSettings#ACCOUNT_QUERY} if the query is not of that form
     */
    public static JdbcAccountResolver of(DataSource dataSource, String query) {
        return new JdbcAccountResolver(dataSource, query);
    }

    /**
     * The resolver the settings ask for: empty without {@value TotpGuardSettings#ACCOUNT_QUERY}; otherwise one over
     * the DataSource named by {@value TotpGuardSettings#ACCOUNT_JNDI_DATASOURCE}, else
     * {@value TotpGuardSettings#JNDI_DATASOURCE}, else {@code storeDataSource}.
     *
     * @param storeDataSource the credential store's DataSource when the caller has it, or {@code null}
     * @throws IllegalArgumentException naming the key when the query is malformed, the JNDI name cannot be looked
     *     up, or no DataSource is known at all
     */
    public static Optional<AccountResolver> fromSettings(Map<String, String> settings, DataSource storeDataSource) {
        String query = settings.get(TotpGuardSettings.ACCOUNT_QUERY);
        if (query == null || query.isBlank()) {
            if (settings.containsKey(TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE)) {
                throw new IllegalArgumentException("Setting " + TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE + " needs "
                        + TotpGuardSettings.ACCOUNT_QUERY + ", e.g. SELECT username FROM users WHERE username = ?");
            }
            return Optional.empty();
        }
        String key = TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE;
        String jndi = settings.get(key);
        if (jndi == null || jndi.isBlank()) {
            key = TotpGuardSettings.JNDI_DATASOURCE;
            jndi = settings.get(key);
        }
        DataSource dataSource = storeDataSource;
        if (jndi != null && !jndi.isBlank()) {
            dataSource = lookUp(key, jndi.strip());
        }
        if (dataSource == null) {
            throw new IllegalArgumentException("Setting " + TotpGuardSettings.ACCOUNT_QUERY + " needs a DataSource: set "
                    + TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE + " to the JNDI name of the user table's DataSource");
        }
        return Optional.of(of(dataSource, query.strip()));
    }

    @Override
    public Optional<String> account(String login) throws StoreException {
        Objects.requireNonNull(login, "login");
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, login);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                String account = rows.getString(1);
                if (rows.next()) {
                    LOG.log(Level.WARNING, "{0}: several accounts match the name {1}; refused", TotpGuardSettings.ACCOUNT_QUERY, login);
                    return Optional.empty();
                }
                return account == null || account.isEmpty() ? Optional.empty() : Optional.of(account);
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot map a user name to its account with " + TotpGuardSettings.ACCOUNT_QUERY, e);
        }
    }

    @Override
    public String toString() {
        return "JdbcAccountResolver[" + query + "]";
    }

    private static String checkQuery(String query) {
        Objects.requireNonNull(query, "query");
        long parameters = query.chars().filter(c -> c == '?').count();
        if (parameters != 1 || !query.strip().regionMatches(true, 0, "SELECT", 0, 6)) {
            throw new IllegalArgumentException("Setting " + TotpGuardSettings.ACCOUNT_QUERY + " must be a SELECT with exactly one ?"
                    + " for the user name whose first column is the stored name, e.g. SELECT username FROM users WHERE username = ?");
        }
        return query;
    }

    private static DataSource lookUp(String key, String name) {
        try {
            Object found = new InitialContext().lookup(name);
            if (found instanceof DataSource) {
                return (DataSource) found;
            }
        } catch (NamingException e) {
            throw new IllegalArgumentException("Setting " + key + " = '" + name + "' cannot be looked up: expected the JNDI"
                    + " name of a DataSource, e.g. java:comp/env/jdbc/users", e);
        }
        throw new IllegalArgumentException("Setting " + key + " = '" + name + "' names no javax.sql.DataSource");
    }
}
