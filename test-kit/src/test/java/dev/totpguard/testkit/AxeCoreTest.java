package dev.totpguard.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AxeCoreTest {

    @TempDir
    Path cache;

    @Test
    void aCachedTarballThatIsNotThePinnedReleaseIsRefused() throws Exception {
        Files.writeString(cache.resolve("axe-core-" + AxeCore.VERSION + ".tgz"), "window.axe = {run: () => []};");
        AssertionError refused = assertThrows(AssertionError.class, () -> AxeCore.load(cache));
        assertTrue(refused.getMessage().contains("is not axe-core " + AxeCore.VERSION) && refused.getMessage().contains(AxeCore.INTEGRITY),
                refused.getMessage());
    }

    @Test
    void seriousAndCriticalFailAndTheRestIsReported() {
        assertTrue(new AxeCore.Violation("image-alt", "critical", "", "", java.util.List.of()).isSeriousOrWorse());
        assertTrue(new AxeCore.Violation("color-contrast", "serious", "", "", java.util.List.of()).isSeriousOrWorse());
        assertFalse(new AxeCore.Violation("region", "moderate", "", "", java.util.List.of()).isSeriousOrWorse());
        assertFalse(new AxeCore.Violation("empty-table-header", "minor", "", "", java.util.List.of()).isSeriousOrWorse());
    }
}
