package dev.totpguard.example;

import java.sql.SQLException;

/** {@link EnforcementGraceContract} on PostgreSQL. */
class PostgresEnforcementGraceIT extends EnforcementGraceContract {

    @Override
    ScratchDatabase scratchDatabase() throws SQLException {
        return ScratchDatabase.postgres("tg_grace");
    }
}
