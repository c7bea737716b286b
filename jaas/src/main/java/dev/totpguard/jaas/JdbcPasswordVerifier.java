package dev.totpguard.jaas;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link PasswordVerifier} over a user table with PBKDF2 hashes ({@link PasswordHash}) and a role table.
 * The default layout (see {@code META-INF/totpguard/sql/users.sql}):
 * <pre>
 * CREATE TABLE totpguard_user (username VARCHAR(255) PRIMARY KEY, password_hash VARCHAR(255) NOT NULL);
 * CREATE TABLE totpguard_user_role (username VARCHAR(255) NOT NULL, role VARCHAR(255) NOT NULL,
 *                                   PRIMARY KEY (username, role));
 * </pre>
 * Table and column names can be changed; they must be plain SQL identifiers (optionally {@code schema.table})
 * because they become part of the statement text. A malformed hash in the table counts as a wrong password
 * (after the same work) and is logged with the user name.
 *
 * <p>Thread-safe: it holds only the {@link DataSource} and two fixed statements' text.
 */
public final class JdbcPasswordVerifier implements PasswordVerifier {

    private static final System.Logger LOG = System.getLogger(JdbcPasswordVerifier.class.getName());
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    private final DataSource dataSource;
    private final PasswordHash hasher;
    private final String userTable;
    private final String passwordQuery;
    private final String roleQuery;

    private JdbcPasswordVerifier(Builder builder) {
        this.dataSource = builder.dataSource;
        this.hasher = builder.hasher;
        this.userTable = builder.userTable;
        this.passwordQuery = "SELECT " + builder.nameColumn + ", " + builder.passwordColumn + " FROM " + builder.userTable
                + " WHERE " + builder.nameColumn + " = ?";
        this.roleQuery = "SELECT " + builder.roleColumn + " FROM " + builder.roleTable
                + " WHERE " + builder.nameColumn + " = ?";
    }

    /** A verifier over {@code dataSource} with the default table layout and {@link PasswordHash} defaults. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    @Override
    public Optional<VerifiedAccount> verify(String user, char[] password) throws PasswordStoreException {
        Objects.requireNonNull(user, "user");
        try (Connection connection = dataSource.getConnection()) {
            String hash = null;
            String stored = null;
            boolean ambiguous = false;
            try (PreparedStatement statement = connection.prepareStatement(passwordQuery)) {
                statement.setString(1, user);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        stored = rows.getString(1);
                        hash = rows.getString(2);
                        // A case-insensitive column without a unique key can match several accounts: refuse them all.
                        ambiguous = rows.next();
                    }
                }
            }
            if (ambiguous || stored == null || stored.isEmpty()) {
                if (ambiguous) {
                    LOG.log(Level.WARNING, "Table {0}: several users match the name {1}; login refused", userTable, user);
                }
                hasher.matchesDummy(password);
                return Optional.empty();
            }
            if (hash == null || !PasswordHash.isWellFormed(hash)) {
                if (hash != null) {
                    LOG.log(Level.WARNING, "Table {0}: the password hash of user {1} is malformed; login refused",
                            userTable, user);
                }
                // Unknown users cost one full hash too, so timing does not reveal who exists.
                hasher.matchesDummy(password);
                return Optional.empty();
            }
            if (!hasher.matches(password, hash)) {
                return Optional.empty();
            }
            Set<String> roles = new LinkedHashSet<>();
            try (PreparedStatement statement = connection.prepareStatement(roleQuery)) {
                statement.setString(1, stored);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        String role = rows.getString(1);
                        if (role != null && !role.isBlank()) {
                            roles.add(role.trim());
                        }
                    }
                }
            }
            // The stored name, not the typed one: the user table may compare names case-insensitively.
            return Optional.of(new VerifiedAccount(stored, roles));
        } catch (SQLException e) {
            throw new PasswordStoreException("Cannot read user table " + userTable, e);
        }
    }

    @Override
    public String toString() {
        return "JdbcPasswordVerifier[" + userTable + "]";
    }

    /** Builds a {@link JdbcPasswordVerifier}; every name is checked at once. */
    public static final class Builder {
        private final DataSource dataSource;
        private PasswordHash hasher;
        private String userTable = "totpguard_user";
        private String nameColumn = "username";
        private String passwordColumn = "password_hash";
        private String roleTable = "totpguard_user_role";
        private String roleColumn = "role";

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Decides the dummy work for unknown users: give it the iteration count the table's hashes use. */
        public Builder passwordHash(PasswordHash hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        public Builder userTable(String name) {
            this.userTable = identifier("user table", name);
            return this;
        }

        /** The user name column, in both tables. */
        public Builder nameColumn(String name) {
            this.nameColumn = identifier("name column", name);
            return this;
        }

        public Builder passwordColumn(String name) {
            this.passwordColumn = identifier("password column", name);
            return this;
        }

        public Builder roleTable(String name) {
            this.roleTable = identifier("role table", name);
            return this;
        }

        public Builder roleColumn(String name) {
            this.roleColumn = identifier("role column", name);
            return this;
        }

        public JdbcPasswordVerifier build() {
            if (hasher == null) {
                hasher = PasswordHash.builder().build();
            }
            return new JdbcPasswordVerifier(this);
        }

        /** Table and column names become statement text, so only plain identifiers are allowed. */
        static String identifier(String what, String name) {
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException(what + " must be a plain SQL identifier such as"
                        + " totpguard_user or myschema.users, not '" + name + "'");
            }
            return name;
        }
    }
}
