package dev.totpguard.example.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import dev.totpguard.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The administrators' profiles (user name, full name, e-mail) in {@code tg_example_admin}. Input is validated
 * here, so every caller (web page and command line) gets the same rules and the same clear messages.
 * Thread-safe: every call takes its own connection.
 */
public final class AdminDirectory {

    /** Letters, digits and {@code . _ @ -}, 1 to 64 characters: safe in URLs, logs and the JAAS user table. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>\"]{1,64}@[^\\s@<>\"]{1,189}");
    private static final int MAX_NAME = 200;

    private final DataSource dataSource;
    private final Clock clock;

    public AdminDirectory(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks a user name typed by a person.
     *
     * @return an error message for the person, or empty when the name is acceptable
     */
    public static Optional<Text> checkUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Optional.of(Text.of("problem.username"));
        }
        return Optional.empty();
    }

    /** @return an error message for the person, or empty when name and e-mail are acceptable */
    public static Optional<Text> checkProfile(String name, String email) {
        return checkName(name).or(() -> checkEmail(email));
    }

    /** @return an error message for the person, or empty when the name is acceptable (a form shows it at the field) */
    public static Optional<Text> checkName(String name) {
        // Controls, and format characters such as U+202E (right-to-left override), which would let a name read as
        // another one on the Administrators page and in the audit log.
        if (name == null || name.isBlank() || name.length() > MAX_NAME || hasHiddenCharacters(name)) {
            return Optional.of(Text.of("problem.name", MAX_NAME));
        }
        return Optional.empty();
    }

    /** @return an error message for the person, or empty when the e-mail address is acceptable */
    public static Optional<Text> checkEmail(String email) {
        // An address with a U+202E in it could read as another administrator's ("\u202Emoc.elpmaxe@nimda").
        if (email == null || !EMAIL.matcher(email).matches() || hasHiddenCharacters(email)) {
            return Optional.of(Text.of("problem.email"));
        }
        return Optional.empty();
    }

    public List<Administrator> list() throws DataAccessException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT username, full_name, email, created_at_ms FROM " + ExampleSchema.ADMIN_TABLE + " ORDER BY username");
             ResultSet rows = select.executeQuery()) {
            List<Administrator> administrators = new ArrayList<>();
            while (rows.next()) {
                administrators.add(read(rows));
            }
            return administrators;
        } catch (SQLException e) {
            throw new DataAccessException("Could not list the administrators", e);
        }
    }

    public Optional<Administrator> find(String username) throws DataAccessException {
        if (checkUsername(username).isPresent()) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT username, full_name, email, created_at_ms FROM " + ExampleSchema.ADMIN_TABLE + " WHERE username = ?")) {
            select.setString(1, username);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not read administrator " + username, e);
        }
    }

    /**
     * When {@code username} was added, for TOTP Guard's enrollment grace ({@code AccountCreationTimes}): read by the
     * primary key, as it is asked on every request of an administrator within the grace. Empty for an unknown name.
     *
     * @throws StoreException if the table cannot be read, so the request is refused rather than let through in grace
     */
    public Optional<Instant> creationTime(String username) throws StoreException {
        try {
            return find(username).map(Administrator::createdAt);
        } catch (DataAccessException e) {
            throw new StoreException("Could not read when administrator " + username + " was added", e);
        }
    }

    public int count() throws DataAccessException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + ExampleSchema.ADMIN_TABLE);
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new DataAccessException("Could not count the administrators", e);
        }
    }

    /**
     * Adds a profile on a connection the caller controls, so that the profile and the password row are
     * written in one transaction.
     *
     * @throws IllegalArgumentException with a message for the person when a value is not acceptable
     */
    public Administrator add(Connection connection, String username, String name, String email) throws SQLException {
        checkUsername(username).ifPresent(AdminDirectory::refuse);
        checkProfile(name, email).ifPresent(AdminDirectory::refuse);
        Administrator administrator = new Administrator(username, name.strip(), email.strip(), clock.instant());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + ExampleSchema.ADMIN_TABLE + " (username, full_name, email, created_at_ms) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, administrator.username());
            insert.setString(2, administrator.name());
            insert.setString(3, administrator.email());
            insert.setLong(4, administrator.createdAt().toEpochMilli());
            insert.executeUpdate();
        }
        return administrator;
    }

    /**
     * Changes name and e-mail.
     *
     * @return false when there is no such administrator
     * @throws IllegalArgumentException with a message for the person when a value is not acceptable
     */
    public boolean update(String username, String name, String email) throws DataAccessException {
        checkProfile(name, email).ifPresent(AdminDirectory::refuse);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE " + ExampleSchema.ADMIN_TABLE + " SET full_name = ?, email = ? WHERE username = ?")) {
            update.setString(1, name.strip());
            update.setString(2, email.strip());
            update.setString(3, username);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new DataAccessException("Could not update administrator " + username, e);
        }
    }

    private static Administrator read(ResultSet row) throws SQLException {
        return new Administrator(row.getString(1), row.getString(2), row.getString(3),
                Instant.ofEpochMilli(row.getLong(4)));
    }

    private static void refuse(Text message) {
        throw new IllegalArgumentException(message.english());
    }

    /** Controls and format characters (bidirectional overrides and isolates, zero-width characters). */
    private static boolean hasHiddenCharacters(String text) {
        return text.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
    }
}
