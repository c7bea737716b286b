package dev.totpguard;

import dev.totpguard.store.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one embedded H2 file database. */
class H2TwoFactorServiceTest extends TwoFactorServiceDatabaseTest {

    @TempDir
    Path directory;

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2(directory);
    }
}
