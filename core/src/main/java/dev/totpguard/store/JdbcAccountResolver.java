package dev.totpguard.store;

import dev.totpguard.AccountResolver;
import dev.totpguard.config.TotpGuardSettings;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
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
}
