package dev.totpguard;

import dev.totpguard.store.TestDatabase;

/** {@link JdbcEnrollmentGraceContract} on the machine's PostgreSQL server (skipped where absent, required in CI). */
class PostgresqlEnrollmentGraceTest extends JdbcEnrollmentGraceContract {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgresql();
    }
}
