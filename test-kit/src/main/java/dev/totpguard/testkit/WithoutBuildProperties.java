package dev.totpguard.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hides the build's own {@code totpguard.*} system properties from a test class that starts a Spring Boot application
 * in the test JVM, and puts them back afterwards. Maven hands {@code -Dtotpguard.fuzz.skip=true} (SECURITY.md's quick
 * build) to the test JVM as a system property, and Boot reads system properties: TOTP Guard's settings check then
 * rightly refuses an unknown {@code totpguard.*} key, and the application under test would not start.
 * Use with {@code @ExtendWith(WithoutBuildProperties.class)}.
 */
public final class WithoutBuildProperties implements BeforeAllCallback, AfterAllCallback {

    /** The build's switches that share the {@code totpguard.} prefix with the settings. */
    static final List<String> BUILD_PROPERTIES = List.of("totpguard.fuzz.skip");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WithoutBuildProperties.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Map<String, String> hidden = new HashMap<>();
        for (String name : BUILD_PROPERTIES) {
            String value = System.clearProperty(name);
            if (value != null) {
                hidden.put(name, value);
            }
        }
        context.getStore(NAMESPACE).put("hidden", hidden);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        Map<String, String> hidden = context.getStore(NAMESPACE).remove("hidden", Map.class);
        if (hidden != null) {
            hidden.forEach(System::setProperty);
        }
    }
}
