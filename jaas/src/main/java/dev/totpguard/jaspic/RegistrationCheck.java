package dev.totpguard.jaspic;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses to start a web application for which a TOTP Guard Jakarta Authentication registration was meant
 * but cannot have taken effect (see {@link AppContextCheck}): the typical case is Tomcat's
 * {@code conf/jaspic-providers.xml} with {@code appContext="localhost /manager"}, which Tomcat silently never
 * matches (it looks up {@code "Catalina/localhost /manager"}), so the manager's own BASIC login asked for the
 * password alone. It logs one line naming the exact application context string the container uses and throws
 * {@link ServletException}, so the container does not start the application (Tomcat then answers 404, Jetty
 * 503).
 *
 * <p>A {@link ServletContainerInitializer} in the jar's
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}: containers run it for every
 * application when the jar is in their own class path (Tomcat's {@code lib/}; Jetty with its annotations
 * module), even for a {@code metadata-complete} {@code web.xml}. It does nothing for applications no TOTP
 * Guard registration names, and nothing where the Jakarta Authentication API is not visible (a Jetty base with
 * the {@code jaas} module only), so the jar stays harmless there.
 *
 * <p>Stateless and thread-safe.
 */
public final class RegistrationCheck implements ServletContainerInitializer {

    private static final System.Logger LOG = System.getLogger(RegistrationCheck.class.getName());
    private static final String FACTORY = "jakarta.security.auth.message.config.AuthConfigFactory";

    /** For the container's {@link java.util.ServiceLoader}. */
    public RegistrationCheck() {
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        if (!authenticationApiVisible()) {
            return;
        }
        String problem = Lookup.problem(context);
        if (problem != null) {
            String application = context.getContextPath().isEmpty() ? "the root application" : context.getContextPath();
            LOG.log(Level.ERROR, "TOTP Guard refuses to start " + application + ": " + problem);
            throw new ServletException("TOTP Guard refuses to start " + application + ": " + problem);
        }
    }

    private static boolean authenticationApiVisible() {
        try {
            Class.forName(FACTORY, false, RegistrationCheck.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Touches the Jakarta Authentication API, so it is loaded only once the API is known to be there. */
    private static final class Lookup {

        static String problem(ServletContext context) {
            String info = String.valueOf(context.getServerInfo()).toLowerCase(Locale.ROOT);
            String virtualServer = context.getVirtualServerName();
            String path = context.getContextPath();
            String container;
            String serverName;
            String appContext;
            if (info.startsWith("jetty")) {
                // JaspiAuthenticatorFactory: the first virtual host, else "server"; "/" for the root.
                container = "Jetty";
                serverName = virtualServer == null ? "server" : virtualServer;
                appContext = serverName + " " + (path.isEmpty() ? "/" : path);
            } else if (virtualServer != null) {
                // Tomcat's AuthenticatorBase, and the spec's own rule.
                container = info.startsWith("apache tomcat") ? "Tomcat" : "the container";
                serverName = virtualServer;
                appContext = virtualServer + " " + path;
            } else {
                return null;
            }
            jakarta.security.auth.message.config.AuthConfigFactory factory;
            try {
                // On Tomcat this builds the factory, which reads conf/jaspic-providers.xml and builds its providers.
                factory = jakarta.security.auth.message.config.AuthConfigFactory.getFactory();
            } catch (RuntimeException e) {
                // No factory: no provider is in effect anywhere, and the container's own look-up fails the same way.
                return null;
            }
            return factory == null ? null
                    : AppContextCheck.problem(factory, TotpAuthConfigProvider.built(), container, serverName, appContext);
        }
    }
}
