package dev.totpguard.jaspic;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.security.auth.message.config.AuthConfigFactory;
import java.util.Map;
import org.eclipse.jetty.ee10.security.jaspi.DefaultAuthConfigFactory;
import org.junit.jupiter.api.Test;

/**
 * Which registrations {@link AppContextCheck} takes as meant for an application that they cannot reach. The
 * providers are registered by class name, as Tomcat does from {@code jaspic-providers.xml} and Jetty from its
 * XML: the factory builds them without telling them their application context.
 */
class AppContextCheckTest {

    private static final String TOMCAT = "Catalina/localhost";

    private final AuthConfigFactory factory = new DefaultAuthConfigFactory();

    private void register(String appContext) {
        factory.registerConfigProvider(TotpAuthConfigProvider.class.getName(), Map.of(), "HttpServlet", appContext,
                "TOTP Guard");
    }

    private String tomcat(String path) {
        return AppContextCheck.problem(factory, TotpAuthConfigProvider.built(), "Tomcat", TOMCAT, TOMCAT + " " + path);
    }

    private String jetty(String path) {
        return AppContextCheck.problem(factory, TotpAuthConfigProvider.built(), "Jetty", "server", "server " + path);
    }

    @Test
    void tomcatHostWithoutTheEngineIsRefusedNamingTheStringTomcatUses() {
        register("localhost /manager");
        String problem = tomcat("/manager");
        assertTrue(problem != null && problem.contains("appContext=\"Catalina/localhost /manager\" in conf/jaspic-providers.xml")
                && problem.contains("\"localhost /manager\""), String.valueOf(problem));
    }

    @Test
    void theSpecsServerExampleAndATrailingSlashAreRefusedOnTomcat() {
        register("server /manager/");
        assertTrue(tomcat("/manager") != null);
    }

    @Test
    void theRightTomcatSpellingPasses() {
        register("Catalina/localhost /manager");
        assertNull(tomcat("/manager"));
    }

    @Test
    void theRootApplicationOnTomcatNeedsTheTrailingSpaceForm() {
        register("Catalina/localhost /");
        String problem = tomcat("");
        assertTrue(problem != null && problem.contains("appContext=\"Catalina/localhost \""), String.valueOf(problem));
    }

    @Test
    void otherApplicationsAndOtherRealHostsAreLeftAlone() {
        register("localhost /manager");
        register("Catalina/www.example.com /app");
        assertNull(tomcat("/app"));
        assertNull(tomcat("/examples"));
        assertNull(jetty("/other"));
    }

    @Test
    void aRegistrationForEveryApplicationIsInEffect() {
        register("localhost /manager");
        factory.registerConfigProvider(TotpAuthConfigProvider.class.getName(), Map.of(), "HttpServlet", null, "all");
        assertNull(tomcat("/manager"));
    }

    @Test
    void jettyNeedsItsDefaultServerName() {
        register("localhost /app");
        register("Catalina/localhost /tomcat-style");
        assertTrue(jetty("/app").contains("\"server /app\""));
        assertTrue(jetty("/tomcat-style") != null);
        register("server /app");
        assertNull(jetty("/app"));
    }

    @Test
    void anotherLayerIsNotTotpGuardsConcern() {
        factory.registerConfigProvider(TotpAuthConfigProvider.class.getName(), Map.of(), "SOAP", "localhost /manager", "x");
        assertNull(tomcat("/manager"));
    }
}
