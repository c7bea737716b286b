package dev.totpguard.example.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The audit log in {@code tg_example_audit}: second-factor events reported by the {@code TwoFactorService}
 * and the administrators' own actions, shared by every node because it lives in the database. Values are
 * cut to their column sizes; callers never pass secrets, codes or passwords. Thread-safe.
 */
public final class AuditLog {

    private final DataSource dataSource;

    public AuditLog(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public void record(AuditEntry entry) throws DataAccessException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + ExampleSchema.AUDIT_TABLE
                     + " (occurred_at_ms, actor, subject_user, action, client_address, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, entry.time().toEpochMilli());
            setOptional(insert, 2, entry.actor(), 64);
            insert.setString(3, cut(entry.subject(), 64));
            insert.setString(4, cut(entry.action(), 40));
            setOptional(insert, 5, entry.clientAddress(), 64);
            setOptional(insert, 6, entry.detail(), 300);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException("Could not write to the audit log", e);
        }
    }

    /** The newest entries first. */
    public List<AuditEntry> newest(int limit) throws DataAccessException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT occurred_at_ms, actor, subject_user, action, client_address, detail FROM "
                     + ExampleSchema.AUDIT_TABLE + " ORDER BY occurred_at_ms DESC, id DESC")) {
            select.setMaxRows(limit);
            try (ResultSet rows = select.executeQuery()) {
                List<AuditEntry> entries = new ArrayList<>();
                while (rows.next()) {
                    entries.add(new AuditEntry(Instant.ofEpochMilli(rows.getLong(1)), Optional.ofNullable(rows.getString(2)),
                            rows.getString(3), rows.getString(4), Optional.ofNullable(rows.getString(5)),
                            Optional.ofNullable(rows.getString(6))));
                }
                return entries;
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not read the audit log", e);
        }
    }

    private static void setOptional(PreparedStatement statement, int index, Optional<String> value, int max) throws SQLException {
        if (value.isPresent()) {
            statement.setString(index, cut(value.get(), max));
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
