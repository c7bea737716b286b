package dev.totpguard.distribution;

import dev.totpguard.testkit.ChildProcess;
import java.net.URI;
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
        TomcatBase tomcat = TomcatBase.create(home, work.resolve("base"), "");
        base = tomcat.dir();
        Files.copy(war, base.resolve("webapps/app.war"));
        command = tomcat.startCommand();
        return URI.create("http://127.0.0.1:" + tomcat.port() + "/app/");
    }

    @Override
    ChildProcess start() throws Exception {
        return ChildProcess.start("tomcat 11 with the Spring WAR", new ProcessBuilder(command).directory(base.toFile()), work.resolve("tomcat.log"));
    }
}
