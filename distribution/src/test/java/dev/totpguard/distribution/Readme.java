package dev.totpguard.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The configuration blocks of the project README, which the distribution ships and the tests run. */
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

    /** The README's jaas.conf with its example paths pointed at {@code dir} and the database at {@code jdbcUrl}. */
    static String jaasConfFor(Path dir, String jdbcUrl) throws IOException {
        return jaasConf().replace("/etc/totpguard/", dir.toAbsolutePath() + "/")
                .replace("jdbc:h2:file:/var/lib/totpguard/totpguard", jdbcUrl);
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
