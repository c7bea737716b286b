package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java lines of spring-security/README.md are the ones the tests run: each line of a README block is a line of
 * the test application it stands for (which compiles, and which the ITs drive over HTTP). The properties block is
 * read by {@link GlobalFactorIT}, which starts the application with it.
 */
class SpringSecurityReadmeTest {

    static String block(String name) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- " + name + " -->");
        int end = readme.indexOf("<!-- end of " + name + " -->");
        assertTrue(start >= 0 && end > start, "README.md has lost its block " + name);
        return readme.substring(start, end);
    }

    private static void assertLinesOf(String block, String application) throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/totpguard/spring/app", application))
                .stream().map(String::strip).toList();
        for (String line : block.split("\n")) {
            String code = line.strip();
            if (code.isEmpty() || code.startsWith("<!--") || code.startsWith("```")) {
                continue;
            }
            assertTrue(source.contains(code), "README line not in " + application + ": " + code);
        }
    }

    @Test
    void theGlobalConfigurationOfTheReadmeIsTheTestedOne() throws IOException {
        assertLinesOf(block("spring security config"), "GlobalFactorApplication.java");
    }

    @Test
    void thePerPathConfigurationOfTheReadmeIsTheTestedOne() throws IOException {
        assertLinesOf(block("spring security per path"), "AdminFactorApplication.java");
    }

    @Test
    void theOwnLoginOfTheReadmeIsTheTestedOne() throws IOException {
        assertLinesOf(block("spring security own login"), "BasicLoginApplication.java");
    }

    @Test
    void theVersionsOfTheReadmeAreTheBuildsOwn() throws IOException {
        String block = block("spring versions");
        String rootPom = Files.readString(Path.of("../pom.xml"));
        for (String property : List.of("spring-security.version", "spring-framework.version")) {
            java.util.regex.Matcher built = java.util.regex.Pattern.compile("<" + property + ">([^<]+)</").matcher(rootPom);
            assertTrue(built.find(), "the root pom names " + property);
            assertTrue(block.contains("<" + property + ">" + built.group(1) + "</" + property + ">"),
                    "README.md names " + property + " " + built.group(1) + ": " + block);
        }
    }
}
