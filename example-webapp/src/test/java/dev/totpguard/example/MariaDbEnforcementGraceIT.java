package dev.totpguard.example;

import java.sql.SQLException;

/** {@link EnforcementGraceContract} on MariaDB. */
class MariaDbEnforcementGraceIT extends EnforcementGraceContract {

    @Override
    ScratchDatabase scratchDatabase() throws SQLException {
        return ScratchDatabase.mariaDb("tg_grace");
    }
}
