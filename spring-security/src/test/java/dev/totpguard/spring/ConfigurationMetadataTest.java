package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.totpguard.config.TotpGuardSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Boot's configuration metadata (what IDEs complete in application.properties) names exactly the keys TOTP Guard
 * reads: a key added to {@link TotpGuardSettings} without its metadata, or metadata for a key nobody reads, fails
 * here. Every name counts, not only those starting with {@code totpguard.}: the file once named a property
 * {@code jdbc:h2:file:./totpguard-data/totpguard}, a default value taken for a key.
 */
class ConfigurationMetadataTest {

    private static final Pattern PROPERTY_NAME = Pattern.compile("\"name\": \"([^\"]+)\"");

    @Test
    void theMetadataNamesEveryTotpGuardSettingAndNothingElse() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "the jar ships META-INF/spring-configuration-metadata.json");
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> names = new TreeSet<>();
        Matcher matcher = PROPERTY_NAME.matcher(metadata);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        names.remove("totpguard");
        assertEquals(TotpGuardSettings.knownKeys(), names);
    }
}
