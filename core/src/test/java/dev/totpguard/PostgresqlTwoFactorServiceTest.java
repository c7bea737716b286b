package dev.totpguard;

import dev.totpguard.store.TestDatabase;

/** Two nodes on one PostgreSQL server (skipped where absent, required in CI). */
class PostgresqlTwoFactorServiceTest extends TwoFactorServiceDatabaseTest {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgresql();
    }
}
