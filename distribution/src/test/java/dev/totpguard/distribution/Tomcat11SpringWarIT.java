package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link SpringAdminWarSetup} with the WAR dropped into {@code webapps/} of the unmodified Tomcat 11 distribution:
 * nothing of TOTP Guard in Tomcat's {@code lib/} or {@code conf/}. Tomcat applies the filter jar's web fragment
 * and initializer and Spring's initializer starts the application, whose auto-configuration installs the filter
 * after Spring Security.
 */
class Tomcat11SpringWarIT extends SpringAdminWarSetup {

    private List<String> command;
    private Path base;

    @Override
    URI prepare() throws Exception {
        String version = System.getProperty("it.tomcat11.version");
        Path home = Distributions.container("apache-tomcat-" + version);
        base = Files.createDirectories(work.resolve("base"));
        Distributions.copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        int port = ContainerProcess.freePort();
        Path serverXml = base.resolve("conf/server.xml");
        String server = Files.readString(serverXml, StandardCharsets.UTF_8)
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
        assertTrue(server.contains("port=\"" + port + "\"") && server.contains("port=\"-1\""),
                "conf/server.xml of Tomcat " + version + " no longer looks as this test expects");
        Files.writeString(serverXml, server, StandardCharsets.UTF_8);
        Files.copy(war, base.resolve("webapps/app.war"));
        // What bin/catalina.sh run does, without the shell script.
        command = List.of(ContainerProcess.java(),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start");
        return URI.create("http://127.0.0.1:" + port + "/app/");
    }

    @Override
    ContainerProcess start() throws Exception {
        return ContainerProcess.start("tomcat 11 with the Spring WAR", command, base, work.resolve("tomcat.log"));
    }
}
