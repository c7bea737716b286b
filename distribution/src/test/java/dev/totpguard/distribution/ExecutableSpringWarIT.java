package dev.totpguard.distribution;

import dev.totpguard.testkit.ChildProcess;
import java.net.URI;
import java.util.List;

/**
 * {@link SpringAdminWarSetup} with the same WAR run as an executable WAR, {@code java -jar app.war}, on Spring
 * Boot's embedded Tomcat, which reads neither the filter jar's web fragment nor its initializer: only the
 * auto-configuration installs the filter.
 */
class ExecutableSpringWarIT extends SpringAdminWarSetup {

    private List<String> command;

    @Override
    URI prepare() throws Exception {
        int port = ChildProcess.freePort();
        command = List.of(ChildProcess.javaExecutable(), "-jar", war.toString(), "--server.address=127.0.0.1",
                "--server.port=" + port, "--server.servlet.context-path=/app");
        return URI.create("http://127.0.0.1:" + port + "/app/");
    }

    @Override
    ChildProcess start() throws Exception {
        return ChildProcess.start("java -jar app.war", new ProcessBuilder(command).directory(work.toFile()), work.resolve("app.log"));
    }
}
