package dev.totpguard;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one decision for tests that need an outside tool or server: skip with a clear message where it is
 * missing, fail where {@code TOTPGUARD_REQUIRE_EXTERNAL=true} (CI), so CI cannot pass by skipping.
 */
public final class ExternalRequirement {

    /** The environment variable CI sets to {@code true}. */
    public static final String REQUIRE_EXTERNAL = "TOTPGUARD_REQUIRE_EXTERNAL";

    private ExternalRequirement() {
    }

    /** True when missing tools and servers must fail the build instead of skipping tests. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv(REQUIRE_EXTERNAL));
    }

    /**
     * Returns when {@code available}; otherwise aborts the test as skipped, or fails it when
     * {@link #required()}.
     *
     * @param what names what is missing and where it was looked for, e.g. "PostgreSQL at 127.0.0.1:5432"
     */
    public static void assumeOrFail(boolean available, String what) {
        if (available) {
            return;
        }
        if (required()) {
            Assertions.fail(what + " is not available, and " + REQUIRE_EXTERNAL + "=true requires it");
        }
        Assumptions.abort(what + " is not available: test skipped (set " + REQUIRE_EXTERNAL + "=true to make this a failure)");
    }
}
