package dev.totpguard.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The blocks of this module's README are the code and the settings the application has. */
class ReadmeTest {

    private static final Path README = Path.of("README.md");

    @Test
    void theSecurityBlockIsTheApplicationsSecurityConfiguration() throws IOException {
        String block = block("example-spring security");
        assertFalse(block.isBlank(), "README.md's security block is empty");
        String source = Files.readString(Path.of("src/main/java/dev/totpguard/example/spring/SecurityConfiguration.java"),
                StandardCharsets.UTF_8);
        assertTrue(normalized(source).contains(normalized(block)),
                "README.md's security block is no longer the code of SecurityConfiguration.java:\n" + block);
    }

    @Test
    void everyPropertyOfTheSettingsBlockBindsToExampleProperties() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(block("example-spring properties")));
        Set<String> components = Arrays.stream(ExampleProperties.class.getRecordComponents())
                .map(component -> "example." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase())
                .collect(Collectors.toSet());
        assertEquals(components, properties.stringPropertyNames(), "README.md names every setting, and no other");
        ExampleProperties bound = new Binder(new MapConfigurationPropertySource(Map.copyOf(properties)))
                .bind("example", ExampleProperties.class).get();
        assertEquals(Path.of(properties.getProperty("example.key-file")), bound.keyFile());
        assertEquals(Duration.parse(properties.getProperty("example.step-up-age")), bound.stepUpAge());
        assertEquals(properties.getProperty("example.jdbc-url"), bound.effectiveJdbcUrl());
    }

    @Test
    void theRunCommandStartsTheWarThisModuleBuilds() throws IOException {
        String run = block("example-spring run");
        assertTrue(run.contains("-pl example-spring -am package") && run.contains("java -jar example-spring/target/totpguard-example-spring.war"), run);
    }

    /** The fenced block after {@code <!-- name -->}. */
    private static String block(String name) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int marker = readme.indexOf("<!-- " + name + " -->");
        assertTrue(marker >= 0, "README.md has lost its block " + name);
        int start = readme.indexOf('\n', readme.indexOf("```", marker)) + 1;
        return readme.substring(start, readme.indexOf("```", start));
    }

    private static String normalized(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining("\n"));
    }
}
