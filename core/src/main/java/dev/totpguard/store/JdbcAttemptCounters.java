package dev.totpguard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link AttemptCounters} in the {@code address_failure} table of a {@link JdbcCredentialStore}'s database (the column
 * is named {@code address} for its first use; it holds any counter key). Every statement is atomic in the database,
 * so the limits hold across nodes. Thread-safe; any {@link SQLException} becomes a {@link StoreException}.
 */
final class JdbcAttemptCounters implements AttemptCounters {

    private final DataSource dataSource;
    private final String table;

    JdbcAttemptCounters(DataSource dataSource, String table) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public boolean reserve(String address, int limit, Duration window, Instant now) throws StoreException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        long nowMillis = now.toEpochMilli();
        long windowStartedAfter = nowMillis - window.toMillis();
        // Each statement is a conditional update evaluated atomically by the database, so parallel requests from
        // one address cannot push its count past the limit.
        String count = "UPDATE " + table + " SET failures = failures + 1 "
                + "WHERE address = ? AND window_start > ? AND failures < ?";
        String restart = "UPDATE " + table + " SET failures = 1, window_start = ? WHERE address = ? AND window_start <= ?";
        String insert = "INSERT INTO " + table + " (address, window_start, failures) VALUES (?, ?, 1)";
        try (Connection connection = JdbcCredentialStore.autoCommit(dataSource.getConnection())) {
            for (int attempt = 0; attempt < 3; attempt++) {
                try (PreparedStatement statement = connection.prepareStatement(count)) {
                    statement.setString(1, address);
                    statement.setLong(2, windowStartedAfter);
                    statement.setInt(3, limit);
                    if (statement.executeUpdate() == 1) {
                        return true;
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(restart)) {
                    statement.setLong(1, nowMillis);
                    statement.setString(2, address);
                    statement.setLong(3, windowStartedAfter);
                    if (statement.executeUpdate() == 1) {
                        return true;
                    }
                }
                Boolean atLimit = currentWindowAtLimit(connection, address, windowStartedAfter, limit);
                if (atLimit != null) {
                    if (atLimit) {
                        return false;
                    }
                    // The row appeared (or restarted) between the two updates above, from a parallel request of
                    // this address: count again rather than take a lost race for a full window.
                    continue;
                }
                try (PreparedStatement statement = connection.prepareStatement(insert)) {
                    statement.setString(1, address);
                    statement.setLong(2, nowMillis);
                    statement.executeUpdate();
                    return true;
                } catch (SQLException e) {
                    if (!JdbcCredentialStore.isIntegrityViolation(e)) {
                        throw e;
                    }
                }
            }
            // Lost the race three times in a row to other requests from this address: count it as refused.
            return false;
        } catch (SQLException e) {
            throw new StoreException("Credential store could not count an attempt from a client address: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(String address) throws StoreException {
        Objects.requireNonNull(address, "address");
        String sql = "UPDATE " + table + " SET failures = failures - 1 WHERE address = ? AND failures > 0";
        try (Connection connection = JdbcCredentialStore.autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, address);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Credential store could not release an attempt of a client address: " + e.getMessage(), e);
        }
    }

    @Override
    public int purge(Instant startedBefore) throws StoreException {
        Objects.requireNonNull(startedBefore, "startedBefore");
        String sql = "DELETE FROM " + table + " WHERE window_start <= ?";
        try (Connection connection = JdbcCredentialStore.autoCommit(dataSource.getConnection());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, startedBefore.toEpochMilli());
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Credential store could not purge address counters: " + e.getMessage(), e);
        }
    }

    /** Null when the address has no row; else whether its row is a current window at the limit. */
    private Boolean currentWindowAtLimit(Connection connection, String address, long windowStartedAfter, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT window_start, failures FROM " + table + " WHERE address = ?")) {
            statement.setString(1, address);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return row.getLong(1) > windowStartedAfter && row.getInt(2) >= limit;
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcAttemptCounters[" + table + "]";
    }
}
