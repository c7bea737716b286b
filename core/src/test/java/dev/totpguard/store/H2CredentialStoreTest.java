package dev.totpguard.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on embedded H2 in file mode, the default that needs no setup. */
class H2CredentialStoreTest extends JdbcCredentialStoreContractTest {

    @TempDir
    Path directory;

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2(directory);
    }
}
