package dev.totpguard.example.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Settings an administrator changes at run time, in {@code tg_example_setting}. Read from the database on
 * every use (no cache), so a change made on one node holds on every node at once. Thread-safe.
 */
public final class SiteSettings {

    static final String REQUIRE_TWO_FACTOR = "require-two-factor";

    private final DataSource dataSource;

    public SiteSettings(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** "Require two-factor authentication for all administrators": off on a new installation. */
    public boolean requireTwoFactor() throws DataAccessException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT setting_value FROM " + ExampleSchema.SETTING_TABLE + " WHERE name = ?")) {
            select.setString(1, REQUIRE_TWO_FACTOR);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() && "true".equals(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not read the setting " + REQUIRE_TWO_FACTOR, e);
        }
    }

    public void setRequireTwoFactor(boolean required) throws DataAccessException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + ExampleSchema.SETTING_TABLE + " SET setting_value = ? WHERE name = ?")) {
                update.setString(1, Boolean.toString(required));
                update.setString(2, REQUIRE_TWO_FACTOR);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO " + ExampleSchema.SETTING_TABLE + " (name, setting_value) VALUES (?, ?)")) {
                        insert.setString(1, REQUIRE_TWO_FACTOR);
                        insert.setString(2, Boolean.toString(required));
                        insert.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not change the setting " + REQUIRE_TWO_FACTOR, e);
        }
    }
}
