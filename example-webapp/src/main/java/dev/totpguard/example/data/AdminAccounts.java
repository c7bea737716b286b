package dev.totpguard.example.data;

import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.store.AccountKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The administrators' accounts: the profile in {@code tg_example_admin} ({@link AdminDirectory}) and the sign-in
 * data in the JAAS module's user table ({@code totpguard_user}, {@code totpguard_user_role}, read at login by
 * {@code dev.totpguard.jaas.JdbcPasswordVerifier}), written together in one transaction. Passwords are stored as
 * salted PBKDF2 hashes made by {@link PasswordHash}; the caller's password array is cleared after hashing.
 * Thread-safe.
 */
public final class AdminAccounts {

    /** The role every administrator gets in {@code totpguard_user_role}. */
    public static final String ROLE = "admin";
    /** NIST SP 800-63B section 5.1.1.2 asks for at least 8; an administrator gets a little more. */
    public static final int MIN_PASSWORD_LENGTH = 10;

    private static final String USERS_SQL = "/META-INF/totpguard/sql/users.sql";
    /** MariaDB's default collation would let ADMIN find admin's row; this variant compares names exactly. */
    private static final String USERS_MARIADB_SQL = "/META-INF/totpguard/sql/users-mariadb.sql";

    private final DataSource dataSource;
    private final AdminDirectory directory;
    private final PasswordHash passwordHash;

    public AdminAccounts(DataSource dataSource, PasswordHash passwordHash, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.passwordHash = Objects.requireNonNull(passwordHash, "passwordHash");
        this.directory = new AdminDirectory(dataSource, clock);
    }

    public AdminDirectory directory() {
        return directory;
    }

    /** Creates the JAAS module's user tables (its own script) and the example's tables when missing. */
    public static void createSchema(DataSource dataSource) throws DataAccessException {
        String resource;
        try (Connection connection = dataSource.getConnection()) {
            resource = ExampleSchema.isMariaDb(connection) ? USERS_MARIADB_SQL : USERS_SQL;
        } catch (SQLException e) {
            throw new DataAccessException("Could not create the user tables", e);
        }
        String script;
        try (InputStream in = PasswordHash.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DataAccessException("The JAAS module's " + resource + " is missing from the class path", null);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataAccessException("Could not read " + resource, e);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements(script)) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not create the user tables", e);
        }
        ExampleSchema.create(dataSource);
    }

    /** @return a message for the person, or empty when the values may be used for a new account */
    public static Optional<Text> checkNewAccount(String username, String name, String email, String password) {
        Optional<Text> problem = AdminDirectory.checkUsername(username);
        if (problem.isEmpty()) {
            problem = AdminDirectory.checkProfile(name, email);
        }
        if (problem.isEmpty()) {
            problem = checkPassword(password == null ? null : password.toCharArray());
        }
        return problem;
    }

    /** @return a message for the person, or empty when the password may be used */
    public static Optional<Text> checkPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            return Optional.of(Text.of("problem.password.short", MIN_PASSWORD_LENGTH));
        }
        if (password.length > PasswordHash.MAX_PASSWORD_CHARS) {
            return Optional.of(Text.of("problem.password.long", PasswordHash.MAX_PASSWORD_CHARS));
        }
        return Optional.empty();
    }

    /**
     * Adds an administrator: profile, password hash and role, all or nothing.
     *
     * @return false when the user name, or another spelling of it ({@link AccountKey}), is taken (nothing was written)
     * @throws IllegalArgumentException with a message for the person when a value is not acceptable
     */
    public boolean add(String username, String name, String email, char[] password) throws DataAccessException {
        try {
            checkPassword(password).ifPresent(message -> {
                throw new IllegalArgumentException(message.english());
            });
            String hash = passwordHash.hash(password);
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    if (taken(connection, username)) {
                        connection.rollback();
                        return false;
                    }
                    directory.add(connection, username, name, email);
                    try (PreparedStatement user = connection.prepareStatement("INSERT INTO totpguard_user (username, password_hash) VALUES (?, ?)");
                         PreparedStatement role = connection.prepareStatement("INSERT INTO totpguard_user_role (username, role) VALUES (?, ?)")) {
                        user.setString(1, username);
                        user.setString(2, hash);
                        user.executeUpdate();
                        role.setString(1, username);
                        role.setString(2, ROLE);
                        role.executeUpdate();
                    }
                    connection.commit();
                    return true;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new DataAccessException("Could not add administrator " + username, e);
            }
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Sets a new password.
     *
     * @return false when there is no such administrator
     * @throws IllegalArgumentException with a message for the person when the password is not acceptable
     */
    public boolean setPassword(String username, char[] password) throws DataAccessException {
        try {
            checkPassword(password).ifPresent(message -> {
                throw new IllegalArgumentException(message.english());
            });
            String hash = passwordHash.hash(password);
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE totpguard_user SET password_hash = ? WHERE username = ?")) {
                update.setString(1, hash);
                update.setString(2, username);
                return update.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new DataAccessException("Could not set the password of " + username, e);
            }
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The roles of the account stored under exactly {@code username}, read without its password: how a signed-in
     * session that was stored in the database is signed in again when a node loads it (the launcher's
     * {@code SessionLoginService}). Empty when the account no longer exists or has no role, which ends such
     * sessions.
     */
    public Set<String> roles(String username) throws DataAccessException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT r.role FROM totpguard_user u JOIN totpguard_user_role r"
                     + " ON r.username = u.username WHERE u.username = ?")) {
            select.setString(1, username);
            try (ResultSet rows = select.executeQuery()) {
                Set<String> roles = new LinkedHashSet<>();
                while (rows.next()) {
                    roles.add(rows.getString(1));
                }
                return roles;
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not read the roles of " + username, e);
        }
    }

    /**
     * Whether {@code username} or another spelling of it is taken. Spellings that {@link AccountKey} folds alike
     * ({@code ADMIN} and {@code admin}, accents, full-width letters) are one account for TOTP Guard's credential store,
     * and for a case-insensitive user table: a second one would share the first one's second factor, or be refused
     * by the store as its alias. The administrators are few, so every name is compared.
     */
    private static boolean taken(Connection connection, String username) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT username FROM totpguard_user UNION SELECT username FROM " + ExampleSchema.ADMIN_TABLE);
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                if (AccountKey.sameAccount(rows.getString(1), username)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The statements of a simple SQL script: {@code --} comment lines dropped, split at semicolons. */
    static java.util.List<String> statements(String script) {
        StringBuilder text = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.strip().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        return Arrays.stream(text.toString().split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
