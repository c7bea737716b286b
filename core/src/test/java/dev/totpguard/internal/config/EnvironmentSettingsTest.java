package dev.totpguard.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.config.TotpGuardSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The settings Spring's environment gives, environment variables included, as an operator sets them for Tomcat. */
class EnvironmentSettingsTest {

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addLast(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return environment;
    }

    @Test
    void aSettingsVariableIsRead() {
        Settings settings = EnvironmentSettings.read(environment(Map.of("TOTPGUARD_ENFORCEMENT", "REQUIRED")));

        assertEquals("REQUIRED", settings.string(TotpGuardSettings.ENFORCEMENT).orElseThrow());
    }

    /** Found by the operator's pass on Tomcat 11: both started without a word, the default policy in force. */
    @Test
    void aMisspelledSettingsVariableStopsTheStartNamingTheNearestOne() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentSettings.read(environment(Map.of("TOTPGUARD_ENFORCMENT", "REQUIRED"))));
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentSettings.read(environment(Map.of("TOTPGUARD_SPRING_BRAND_HOMEPAGE", "/"))));

        assertTrue(typo.getMessage().contains("TOTPGUARD_ENFORCMENT") && typo.getMessage().contains("TOTPGUARD_ENFORCEMENT"),
                typo.getMessage());
        assertTrue(group.getMessage().contains("TOTPGUARD_SPRING_BRAND_HOME"), group.getMessage());
        assertFalse(typo.getMessage().contains("REQUIRED"), "the message names variables, never values");
    }

    @Test
    void otherVariablesOfTheSamePrefixAreLeftAlone() {
        Settings settings = EnvironmentSettings.read(environment(Map.of(
                "TOTPGUARD_KEY_ENV", "TOTPGUARD_KEY_MATERIAL",
                "TOTPGUARD_KEY_MATERIAL", "c2VjcmV0",
                "TOTPGUARD_ADMIN_PASSWORD", "choose-a-long-one",
                "TOTPGUARD_SMTP_PASSWORD", "mail",
                "TOTPGUARD_REQUIRE_EXTERNAL", "true")));

        assertEquals("TOTPGUARD_KEY_MATERIAL", settings.string(TotpGuardSettings.KEY_ENV).orElseThrow());
    }

    @Test
    void aPropertyTypoIsRefusedAsBefore() {
        StandardEnvironment environment = environment(Map.of());
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("totpguard.enforcment", "REQUIRED")));

        assertThrows(IllegalArgumentException.class, () -> EnvironmentSettings.read(environment));
    }
}
