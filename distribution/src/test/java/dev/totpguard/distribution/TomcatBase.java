package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@code CATALINA_BASE} for an unmodified Tomcat distribution, as an operator sets one up, and how to start it. */
final class TomcatBase {

    private TomcatBase() {
    }

    /**
     * Makes {@code base} from {@code home}'s {@code conf/}: no shutdown port (the test ends the process), the HTTP
     * connector on 127.0.0.1:{@code port}, and {@code inHost} (may be empty) added at the end of {@code <Host>}.
     */
    static void create(Path home, Path base, int port, String inHost) throws IOException {
        Distributions.copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path serverXml = base.resolve("conf/server.xml");
        String server = Files.readString(serverXml, StandardCharsets.UTF_8)
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"")
                .replace("</Host>", inHost + "</Host>");
        assertTrue(server.contains("port=\"" + port + "\"") && server.contains(inHost + "</Host>")
                && server.contains("port=\"-1\""), home.resolve("conf/server.xml") + " no longer looks as the tests expect");
        Files.writeString(serverXml, server, StandardCharsets.UTF_8);
    }

    /** What {@code bin/catalina.sh run} starts, without the shell script, with {@code options} as CATALINA_OPTS. */
    static List<String> command(Path home, Path base, String... options) {
        List<String> command = new ArrayList<>(List.of(ContainerProcess.java(),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager"));
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        return List.copyOf(command);
    }
}
