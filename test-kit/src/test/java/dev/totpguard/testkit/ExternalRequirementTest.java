package dev.totpguard.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ExternalRequirementTest {

    @Test
    void missingToolSkipsWhenNotRequired() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> ExternalRequirement.assumeOrFail(false, "sometool", false));

        assertTrue(skipped.getMessage().contains("sometool is missing"), skipped.getMessage());
    }

    @Test
    void missingToolFailsWhenRequired() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> ExternalRequirement.assumeOrFail(false, "sometool", true));

        assertTrue(failed.getMessage().contains(ExternalRequirement.ENV_VAR + "=true"), failed.getMessage());
    }

    @Test
    void availableToolNeitherSkipsNorFails() {
        assertDoesNotThrow(() -> ExternalRequirement.assumeOrFail(true, "sometool", true));
        assertDoesNotThrow(() -> ExternalRequirement.assumeOrFail(true, "sometool", false));
    }

    @Test
    void pathLookupFindsOnlyRealExecutables() {
        assertTrue(ExternalRequirement.isOnPath("sh"), "every Unix has sh");
        assertFalse(ExternalRequirement.isOnPath("no-such-tool-totpguard"));
    }

    @Test
    void runReturnsStandardOutputAndFailsOnANonZeroExit() {
        assertEquals("hello\n", ExternalRequirement.run("sh", "-c", "echo hello; echo noise >&2"));
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> ExternalRequirement.run("sh", "-c", "echo why >&2; exit 3"));
        assertTrue(failed.getMessage().contains("exited with 3: why"), failed.getMessage());
    }
}
