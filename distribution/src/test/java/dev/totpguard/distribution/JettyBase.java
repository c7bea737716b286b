package dev.totpguard.distribution;

import dev.totpguard.testkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code $JETTY_BASE} for the unmodified jetty-home as an operator makes one: the jetty archive's {@code jetty/*}
 * copied in, then {@code java -jar start.jar --add-modules=...}; the server listens on a free port of 127.0.0.1.
 * Immutable after {@link #create}.
 */
final class JettyBase {

    private final List<String> startCommand;
    private final int port;

    private JettyBase(List<String> startCommand, int port) {
        this.startCommand = startCommand;
        this.port = port;
    }

    /** Makes the base in {@code base} for jetty-home {@code home} with {@code modules} ({@code http,ee10-deploy,...}). */
    static JettyBase create(Path home, Path totpguard, Path base, String modules) throws IOException, InterruptedException {
        Files.createDirectories(base);
        Distributions.copyTree(totpguard.resolve("jetty"), base);
        return create(home, base, modules);
    }

    /** As {@link #create(Path, Path, Path, String)} with nothing of TOTP Guard's in the base (WAR drop-ins). */
    static JettyBase create(Path home, Path base, String modules) throws IOException, InterruptedException {
        Files.createDirectories(base);
        List<String> start = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base));
        List<String> addModules = new ArrayList<>(start);
        addModules.add("--add-modules=" + modules);
        ChildProcess.run(addModules, base, base.resolveSibling(base.getFileName() + "-add-modules.log"));
        int port = ChildProcess.freePort();
        start.add("jetty.http.port=" + port);
        start.add("jetty.http.host=127.0.0.1");
        return new JettyBase(List.copyOf(start), port);
    }

    /** The start command, with {@code arguments} (properties, XML files) added. */
    List<String> startCommand(String... arguments) {
        List<String> command = new ArrayList<>(startCommand);
        command.addAll(List.of(arguments));
        return List.copyOf(command);
    }

    int port() {
        return port;
    }
}
