package dev.totpguard.store;

/** The store contract on a real PostgreSQL server (skipped where absent, required in CI). */
class PostgresqlCredentialStoreTest extends JdbcCredentialStoreContractTest {

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgresql();
    }
}
