package dev.totpguard.store;

/** The store contract on a real MariaDB server (skipped where absent, required in CI). */
class MariadbCredentialStoreTest extends JdbcCredentialStoreContractTest {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.mariadb();
    }
}
