package dev.totpguard;

import dev.totpguard.store.TestDatabase;

/** {@link JdbcAuthenticatorsContract} on the machine's PostgreSQL server (skipped where absent, required in CI). */
class PostgresqlAuthenticatorsTest extends JdbcAuthenticatorsContract {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgresql();
    }
}
