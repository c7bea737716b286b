package dev.totpguard;

import dev.totpguard.store.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcAuthenticatorsContract} on embedded H2 in file mode. */
class H2AuthenticatorsTest extends JdbcAuthenticatorsContract {

    @TempDir
    Path directory;

    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2(directory);
    }
}
