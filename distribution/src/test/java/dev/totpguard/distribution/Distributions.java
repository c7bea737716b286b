package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Where the build left the TOTP Guard archives and the unpacked, unmodified containers. */
final class Distributions {

    private Distributions() {
    }

    /** The unpacked container, e.g. {@code apache-tomcat-11.0.15}; skips (fails in CI) if Maven did not unpack it. */
    static Path container(String directoryName) {
        Path dir = Path.of(System.getProperty("totpguard.containers.dir", "target/containers")).resolve(directoryName);
        if (!Files.isDirectory(dir)) {
            String what = dir + " (unpacked by maven-dependency-plugin in pre-integration-test; run ./mvnw verify)";
            if ("true".equalsIgnoreCase(System.getenv("TOTPGUARD_REQUIRE_EXTERNAL"))) {
                fail(what + " is missing, and TOTPGUARD_REQUIRE_EXTERNAL=true says this test must run");
            }
            Assumptions.abort(what + " is missing: test skipped");
        }
        return dir;
    }

    /**
     * Unpacks the TOTP Guard archive {@code totpguard-VERSION-<flavour>.tar.gz} the build made into
     * {@code into} with the system's tar, as an operator would, and returns its top directory.
     */
    static Path unpackTotpGuard(String flavour, Path into) throws IOException, InterruptedException {
        String base = "totpguard-" + System.getProperty("totpguard.version") + "-" + flavour;
        Path archive = Path.of(System.getProperty("totpguard.distribution.dir", "target")).resolve(base + ".tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new AssertionError(archive + " is missing: the package phase builds it");
        }
        Files.createDirectories(into);
        ContainerProcess.run(List.of("tar", "xzf", archive.toAbsolutePath().toString()), into, into.resolve("tar.log"));
        return into.resolve(base);
    }

    /** Copies every regular file of {@code from} into {@code to}, keeping relative paths. */
    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /**
     * Makes {@code base} a {@code CATALINA_BASE} of the Tomcat in {@code home}: its {@code conf/} copied, server.xml
     * listening on 127.0.0.1:{@code port} with no shutdown port (the test ends the process), empty logs, temp, work
     * and webapps.
     */
    static void tomcatBase(Path home, Path base, int port) throws IOException {
        copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path serverXml = base.resolve("conf/server.xml");
        String server = Files.readString(serverXml, StandardCharsets.UTF_8)
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
        if (!server.contains("port=\"" + port + "\"") || !server.contains("<Server port=\"-1\"")) {
            throw new AssertionError(home + "/conf/server.xml no longer looks as the tests expect");
        }
        Files.writeString(serverXml, server, StandardCharsets.UTF_8);
    }

    /** What {@code bin/catalina.sh run} does, without the shell script, with {@code options} as {@code CATALINA_OPTS}. */
    static List<String> tomcatCommand(Path home, Path base, String... options) {
        List<String> command = new ArrayList<>(List.of(ContainerProcess.java(),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager"));
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        return List.copyOf(command);
    }

    /**
     * Makes {@code base} a jetty base of the jetty-home {@code home} with {@code java -jar start.jar
     * --add-modules=modules} (its output in {@code log}), and returns the command that starts it on
     * 127.0.0.1:{@code port}, with {@code arguments} (properties, XML files) added.
     */
    static List<String> jettyBase(Path home, Path base, String modules, Path log, int port, String... arguments)
            throws IOException, InterruptedException {
        List<String> start = new ArrayList<>(List.of(ContainerProcess.java(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base));
        List<String> addModules = new ArrayList<>(start);
        addModules.add("--add-modules=" + modules);
        ContainerProcess.run(addModules, base, log);
        start.add("jetty.http.port=" + port);
        start.add("jetty.http.host=127.0.0.1");
        start.addAll(List.of(arguments));
        return List.copyOf(start);
    }
}
