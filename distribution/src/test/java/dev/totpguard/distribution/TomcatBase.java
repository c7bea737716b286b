package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code $CATALINA_BASE} of an unmodified Tomcat as an operator makes one: the distribution's {@code conf/}, the
 * TOTP Guard archive's {@code tomcat/lib} jars in {@code lib/}, the connector on a free port of 127.0.0.1 and no
 * shutdown port (the test ends the process). Immutable after {@link #create}.
 */
final class TomcatBase {

    private final Path home;
    private final Path base;
    private final int port;

    private TomcatBase(Path home, Path base, int port) {
        this.home = home;
        this.base = base;
        this.port = port;
    }

    /**
     * Makes the base in {@code base} for the Tomcat in {@code home} with the TOTP Guard archive's {@code tomcat/lib}
     * jars (from the unpacked archive {@code totpguard}) in {@code lib/}; {@code insideHost} goes into
     * {@code conf/server.xml}'s {@code <Host>} (empty for nothing).
     */
    static TomcatBase create(Path home, Path totpguard, Path base, String insideHost) throws IOException {
        TomcatBase tomcat = create(home, base, insideHost);
        Distributions.copyTree(totpguard.resolve("tomcat/lib"), base.resolve("lib"));
        return tomcat;
    }

    /** As {@link #create(Path, Path, Path, String)} with nothing of TOTP Guard's in {@code lib/} (WAR drop-ins). */
    static TomcatBase create(Path home, Path base, String insideHost) throws IOException {
        Distributions.copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        int port = ChildProcess.freePort();
        Path serverXml = base.resolve("conf/server.xml");
        String server = Files.readString(serverXml, StandardCharsets.UTF_8)
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"")
                .replace("</Host>", insideHost + "</Host>");
        assertTrue(server.contains("port=\"" + port + "\"") && server.contains(insideHost + "</Host>") && server.contains("port=\"-1\""),
                "conf/server.xml of " + home + " no longer looks as this test expects");
        Files.writeString(serverXml, server, StandardCharsets.UTF_8);
        return new TomcatBase(home, base, port);
    }

    Path dir() {
        return base;
    }

    int port() {
        return port;
    }

    /** What {@code bin/catalina.sh run} does, without the shell script; {@code catalinaOpts} as in {@code CATALINA_OPTS}. */
    List<String> startCommand(String... catalinaOpts) {
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                // The module options catalina.sh adds: without them Tomcat cannot check for ThreadLocal leaks on stop.
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED"));
        command.addAll(List.of(catalinaOpts));
        command.addAll(List.of("-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        return List.copyOf(command);
    }
}
