package dev.totpguard;

import dev.totpguard.store.TestDatabase;

/** {@link JdbcAuthenticatorsContract} on the machine's MariaDB server (skipped where absent, required in CI). */
class MariadbAuthenticatorsTest extends JdbcAuthenticatorsContract {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.mariadb();
    }
}
