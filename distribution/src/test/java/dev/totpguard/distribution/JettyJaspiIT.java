package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JaspicSetup} on the unmodified jetty-home 12.1, set up only as jaas/README.md says: {@code jetty/*}
 * copied into a fresh jetty base, {@code --add-modules=totpguard-jaspi} (Jetty's own {@code ee10-jaspi} and
 * {@code ee10-annotations}), and {@code etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml} from the README's block.
 * Jetty looks {@code /wrong} up as {@code server /wrong}.
 */
class JettyJaspiIT extends JaspicSetup {

    @Override
    String containerName() {
        return "jetty";
    }

    @Override
    String appContextOfWrong() {
        return "server /wrong";
    }

    @BeforeAll
    void startJetty() throws Exception {
        Path home = Distributions.container("jetty-home-" + System.getProperty("it.jetty.version"));
        work = Files.createTempDirectory(Path.of("target"), "jetty-jaspi-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("jetty", work.resolve("download"));
        base = work.resolve("base");
        JettyBase jetty = JettyBase.create(home, totpguard, base, "http,ee10-deploy,totpguard-jaspi");

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        writeUsers(store.dir().resolve("users.properties"), USERS);
        // The README's file for /app, plus its registration once more for /wrong with a host Jetty never uses.
        String readme = Readme.jettyJaspiConfig();
        String right = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "server /app", "server /app");
        String literal = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "server /app", "localhost /wrong");
        String wrongCall = literal.substring(literal.indexOf("    <Call name=\"registerConfigProvider\">"),
                literal.indexOf("  </Call>\n</Configure>"));
        Path config = base.resolve("etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml");
        assertTrue(Files.isRegularFile(config), "--add-modules=totpguard-jaspi did not copy " + config);
        Files.writeString(config, right.replace("  </Call>\n</Configure>", wrongCall + "  </Call>\n</Configure>"),
                StandardCharsets.UTF_8);
        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard", "BASIC");
        TestWebapp.write(base.resolve("webapps/wrong"), "TOTP Guard", "BASIC");

        startCommand = jetty.startCommand();
        app = URI.create("http://127.0.0.1:" + jetty.port() + "/app/");
        wrong = URI.create("http://127.0.0.1:" + jetty.port() + "/wrong/");
        launch();
    }
}
