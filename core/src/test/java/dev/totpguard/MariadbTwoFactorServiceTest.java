package dev.totpguard;

import dev.totpguard.store.TestDatabase;

/** Two nodes on one MariaDB server (skipped where absent, required in CI). */
class MariadbTwoFactorServiceTest extends TwoFactorServiceDatabaseTest {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.mariadb();
    }
}
