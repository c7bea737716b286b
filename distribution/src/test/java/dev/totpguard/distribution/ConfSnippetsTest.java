package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The snippets the distribution ships are the README's blocks, which the distribution tests run. */
class ConfSnippetsTest {

    private static final Path DIST = Readme.projectRoot().resolve("distribution/src/main/dist");

    @Test
    void shippedJaasConfIsTheReadmesBlock() throws Exception {
        assertEquals(Readme.jaasConf(),
                Files.readString(DIST.resolve("common/conf-snippets/jaas.conf"), StandardCharsets.UTF_8),
                "distribution/src/main/dist/common/conf-snippets/jaas.conf drifted from README.md's ```conf block");
    }

    @Test
    void shippedTomcatRealmIsTheOneTheReadmeNames() throws Exception {
        String snippet = Files.readString(DIST.resolve("tomcat/conf-snippets/server.xml-Realm.xml"), StandardCharsets.UTF_8);
        assertTrue(snippet.contains(Readme.tomcatRealm() + "\n"),
                "server.xml-Realm.xml drifted from README.md: expected " + Readme.tomcatRealm());
    }

    @Test
    void shippedJaspicProvidersIsJaasReadmesBlock() throws Exception {
        assertEquals(Readme.jaspicProviders(),
                Files.readString(DIST.resolve("tomcat/conf-snippets/jaspic-providers.xml"), StandardCharsets.UTF_8),
                "tomcat/conf-snippets/jaspic-providers.xml drifted from jaas/README.md");
    }

    @Test
    void shippedJettyJaspiConfigIsJaasReadmesBlock() throws Exception {
        assertEquals(Readme.jettyJaspiConfig(),
                Files.readString(DIST.resolve("jetty/conf-snippets/jetty-ee10-jaspi-authmoduleconfig.xml"), StandardCharsets.UTF_8),
                "jetty/conf-snippets/jetty-ee10-jaspi-authmoduleconfig.xml drifted from jaas/README.md");
    }
}
