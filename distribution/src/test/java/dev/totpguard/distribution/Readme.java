package dev.totpguard.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The configuration blocks of the project README and jaas/README.md, which the distribution ships and the tests run. */
final class Readme {

    private Readme() {
    }

    /** The project's root directory (failsafe and surefire pass it; else the parent of the working directory). */
    static Path projectRoot() {
        return Path.of(System.getProperty("totpguard.project.root", "..")).toAbsolutePath().normalize();
    }

    /** The README's {@code jaas.conf}: the first {@code ```conf} block, verbatim. */
    static String jaasConf() throws IOException {
        String readme = Files.readString(projectRoot().resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("```conf\n");
        if (start < 0) {
            throw new AssertionError("README.md has no ```conf block");
        }
        start += "```conf\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** The Tomcat {@code <Realm>} element the README's jaas.conf names, on one line. */
    static String tomcatRealm() throws IOException {
        Matcher realm = Pattern.compile("<Realm className=\"org.apache.catalina.realm.JAASRealm\".*?/>", Pattern.DOTALL)
                .matcher(jaasConf());
        if (!realm.find()) {
            throw new AssertionError("README.md's jaas.conf names no JAASRealm");
        }
        return realm.group().replaceAll("\\s+", " ");
    }

    /**
     * The {@code application.properties} of filter/README.md's Spring Boot section (the {@code ```properties} block
     * between its {@code <!-- spring boot properties -->} markers), verbatim.
     */
    static String springBootProperties() throws IOException {
        String readme = Files.readString(projectRoot().resolve("filter/README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("<!-- spring boot properties -->\n```properties\n");
        int end = readme.indexOf("```\n<!-- end of spring boot properties -->");
        if (start < 0 || end < start) {
            throw new AssertionError("filter/README.md has lost its Spring Boot properties block");
        }
        return readme.substring(start + "<!-- spring boot properties -->\n```properties\n".length(), end);
    }

    /** Those properties with the example paths pointed at {@code dir}. */
    static String springBootPropertiesFor(Path dir) throws IOException {
        String properties = springBootProperties();
        String edited = properties.replace("/etc/myapp/", dir.toAbsolutePath() + "/")
                .replace("/var/lib/myapp/", dir.toAbsolutePath() + "/");
        if (edited.equals(properties)) {
            throw new AssertionError("filter/README.md's Spring Boot properties name neither /etc/myapp/ nor /var/lib/myapp/");
        }
        return edited;
    }

    /** The README's jaas.conf with its example paths pointed at {@code dir} and the database at {@code jdbcUrl}. */
    static String jaasConfFor(Path dir, String jdbcUrl) throws IOException {
        return jaasConf().replace("/etc/totpguard/", dir.toAbsolutePath() + "/")
                .replace("jdbc:h2:file:/var/lib/totpguard/totpguard", jdbcUrl);
    }

    /**
     * The fenced block of {@code filter/README.md} between {@code <!-- name -->} and {@code <!-- end of name -->},
     * without its fence lines.
     */
    static String filterBlock(String name) throws IOException {
        String readme = Files.readString(projectRoot().resolve("filter/README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("<!-- " + name + " -->");
        int end = readme.indexOf("<!-- end of " + name + " -->");
        if (start < 0 || end < start) {
            throw new AssertionError("filter/README.md has no block <!-- " + name + " -->");
        }
        String block = readme.substring(readme.indexOf('\n', start) + 1, end).strip();
        if (!block.startsWith("```") || !block.endsWith("```")) {
            throw new AssertionError("filter/README.md's block " + name + " is not one fenced block");
        }
        return block.substring(block.indexOf('\n') + 1, block.lastIndexOf("```"));
    }

    /** The {@code <context-param>} elements of filter/README.md's drop-in web.xml, name to value, in order. */
    static Map<String, String> dropInContextParameters() throws IOException {
        Matcher param = Pattern.compile("<context-param>\\s*<param-name>([^<]+)</param-name>\\s*"
                + "<param-value>([^<]*)</param-value>\\s*</context-param>").matcher(filterBlock("drop-in web.xml"));
        Map<String, String> parameters = new LinkedHashMap<>();
        while (param.find()) {
            parameters.put(param.group(1).strip(), param.group(2).strip());
        }
        return parameters;
    }

    /** jaas/README.md's Tomcat {@code conf/jaspic-providers.xml}: the {@code ```xml} block with {@code <jaspic-providers}. */
    static String jaspicProviders() throws IOException {
        return jaasReadmeXmlBlock("<jaspic-providers");
    }

    /** jaas/README.md's Jetty {@code etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml}: the block registering a provider. */
    static String jettyJaspiConfig() throws IOException {
        return jaasReadmeXmlBlock("registerConfigProvider");
    }

    /**
     * A jaas/README.md provider registration with its example paths pointed at {@code dir}, the database at
     * {@code jdbcUrl}, and the example application ({@code /manager} on Tomcat, {@code /app} on Jetty) replaced by
     * {@code appContext}.
     */
    static String registrationFor(String block, Path dir, String jdbcUrl, String exampleAppContext, String appContext) {
        if (!block.contains(exampleAppContext)) {
            throw new AssertionError("jaas/README.md's block no longer registers " + exampleAppContext + ":\n" + block);
        }
        return block.replace("/etc/totpguard/", dir.toAbsolutePath() + "/")
                .replace("jdbc:h2:file:/var/lib/totpguard/totpguard", jdbcUrl)
                .replace(exampleAppContext, appContext);
    }

    private static String jaasReadmeXmlBlock(String marker) throws IOException {
        String readme = Files.readString(projectRoot().resolve("jaas/README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```xml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (block.find()) {
            if (block.group(1).contains(marker)) {
                return block.group(1);
            }
        }
        throw new AssertionError("jaas/README.md has no ```xml block with " + marker);
    }

    private static final String WITH_FILTER_START = "<!-- tomcat: JAAS module with the filter -->";
    private static final String WITH_FILTER_END = "<!-- end: JAAS module with the filter -->";

    /**
     * The section on the JAAS module with the filter on Tomcat, which jaas/README.md and filter/README.md must carry
     * word for word (they once contradicted each other).
     */
    static String tomcatJaasWithFilter() throws IOException {
        String fromJaas = section(projectRoot().resolve("jaas/README.md"), WITH_FILTER_START, WITH_FILTER_END);
        String fromFilter = section(projectRoot().resolve("filter/README.md"), WITH_FILTER_START, WITH_FILTER_END);
        if (!fromJaas.equals(fromFilter)) {
            throw new AssertionError("jaas/README.md and filter/README.md differ on the JAAS module with the filter:\n"
                    + fromJaas + "\n---\n" + fromFilter);
        }
        return fromJaas;
    }

    /** The first {@code ```language} block of {@code text}, its list indentation removed. */
    static String fencedBlock(String text, String language) {
        Matcher block = Pattern.compile("(?m)^( *)```" + Pattern.quote(language) + "\n(.*?)^ *```", Pattern.DOTALL)
                .matcher(text);
        if (!block.find()) {
            throw new AssertionError("no ```" + language + " block in:\n" + text);
        }
        int indent = block.group(1).length();
        return block.group(2).lines().map(line -> line.length() >= indent && line.substring(0, indent).isBlank()
                ? line.substring(indent) : line.strip()).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String section(Path file, String start, String end) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new AssertionError(file + " has no section " + start + " ... " + end);
        }
        return text.substring(from, to + end.length());
    }
}
