package dev.totpguard;

import dev.totpguard.store.TestDatabase;

/** {@link JdbcEnrollmentGraceContract} on the machine's MariaDB server (skipped where absent, required in CI). */
class MariadbEnrollmentGraceTest extends JdbcEnrollmentGraceContract {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.mariadb();
    }
}
