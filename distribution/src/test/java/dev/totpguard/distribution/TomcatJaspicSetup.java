package dev.totpguard.distribution;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JaspicSetup} on an unmodified Tomcat, set up only as jaas/README.md says: the tomcat archive's
 * {@code tomcat/lib} jars in {@code $CATALINA_BASE/lib}, and {@code conf/jaspic-providers.xml} from the README's
 * block. The WARs' BASIC login goes to Tomcat's stock {@code UserDatabaseRealm} (user {@code olga}): Tomcat
 * silently ignores {@code localhost /wrong} (it looks up {@code Catalina/localhost /wrong}), and without TOTP
 * Guard's check {@code /wrong} served its page to olga's password alone. The subclasses name the Tomcat version.
 */
abstract class TomcatJaspicSetup extends JaspicSetup {

    /** The Tomcat version, e.g. {@code 11.0.15}. */
    abstract String version();

    @Override
    String containerName() {
        return "tomcat " + version();
    }

    @Override
    String appContextOfWrong() {
        return "Catalina/localhost /wrong";
    }

    @BeforeAll
    void startTomcat() throws Exception {
        Path home = Distributions.container("apache-tomcat-" + version());
        work = Files.createTempDirectory(Path.of("target"), "tomcat-jaspic-" + version() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        TomcatBase tomcat = TomcatBase.create(home, totpguard, work.resolve("base"), "");
        base = tomcat.dir();

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        writeUsers(store.dir().resolve("users.properties"), USERS);
        // The README's file for /app, plus its <provider> once more for /wrong with the literal reading.
        String readme = Readme.jaspicProviders();
        String right = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "Catalina/localhost /manager",
                "Catalina/localhost /app");
        String literal = Readme.registrationFor(readme, store.dir(), store.jdbcUrl(), "Catalina/localhost /manager",
                "localhost /wrong");
        String wrongProvider = literal.substring(literal.indexOf("  <provider "), literal.indexOf("</jaspic-providers>"));
        Files.writeString(base.resolve("conf/jaspic-providers.xml"),
                right.replace("</jaspic-providers>", wrongProvider + "</jaspic-providers>"), StandardCharsets.UTF_8);

        // The operator's existing realm, which the WARs' BASIC login uses without TOTP Guard.
        Path tomcatUsers = base.resolve("conf/tomcat-users.xml");
        Files.writeString(tomcatUsers, Files.readString(tomcatUsers, StandardCharsets.UTF_8).replace("</tomcat-users>",
                "<role rolename=\"admin\"/><user username=\"olga\" password=\"olga-pw\" roles=\"admin\"/></tomcat-users>"));
        TestWebapp.write(base.resolve("webapps/app"), "Tomcat", "BASIC");
        TestWebapp.write(base.resolve("webapps/wrong"), "Tomcat", "BASIC");

        startCommand = tomcat.startCommand();
        app = URI.create("http://127.0.0.1:" + tomcat.port() + "/app/");
        wrong = URI.create("http://127.0.0.1:" + tomcat.port() + "/wrong/");
        launch();
    }
}
