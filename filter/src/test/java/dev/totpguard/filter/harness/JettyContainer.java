package dev.totpguard.filter.harness;

import java.net.URI;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/** Embedded Jetty 12 (ee10 WebAppContext) with its default URI compliance and a HashLoginService realm. */
final class JettyContainer implements WebContainer {

    private final Server server;
    private final URI base;

    private JettyContainer(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    static JettyContainer start(Deployment deployment) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(CONTEXT_PATH);
        webapp.setBaseResource(ResourceFactory.of(server).newResource(deployment.webapp()));
        webapp.setThrowUnavailableOnStartupException(true);
        deployment.contextParameters().forEach(webapp::setInitParameter);
        org.eclipse.jetty.util.resource.Resource realmFile = ResourceFactory.of(server).newResource(Deployment.realmFile());
        HashLoginService realm = deployment.isCaseInsensitiveRealm()
                ? new CaseInsensitiveRealms.Jetty("TotpGuardTest", realmFile) : new HashLoginService("TotpGuardTest", realmFile);
        webapp.getSecurityHandler().setLoginService(realm);
        if (deployment.initializer() != null) {
            webapp.addServletContainerInitializer(deployment.initializer());
        }
        server.setHandler(webapp);
        server.start();
        if (!webapp.isAvailable()) {
            server.stop();
            throw new IllegalStateException("Jetty could not start the web application", webapp.getUnavailableException());
        }
        return new JettyContainer(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + CONTEXT_PATH));
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public String name() {
        return "Jetty " + Server.getVersion();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
