package dev.totpguard.jaspic;

import jakarta.security.auth.message.config.AuthConfigFactory.RegistrationContext;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.security.auth.message.config.AuthConfigProvider;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds TOTP Guard registrations that were meant for one web application but cannot take effect, because
 * their application context identifier is not the string the container looks the provider up with.
 *
 * <p>Containers look a provider up under exactly one string per application (Jakarta Authentication 3.0,
 * section 3.2 "AppContextID"): Tomcat uses {@code ServletContext.getVirtualServerName() + " " + contextPath},
 * i.e. {@code "Catalina/localhost /manager"} ({@code "<Engine>/<Host> <path>"}, the root application
 * {@code "Catalina/localhost "}); Jetty's {@code JaspiAuthenticatorFactory} uses the context's first virtual
 * host, else {@code "server"}, and {@code "/"} for the root ({@code "server /app"}). Any other spelling is
 * silently never matched, and the application then runs with its own {@code <login-config>}: the password
 * alone. A registration is taken as meant for an application when its context path is the application's and
 * its host part is one the container never uses in that form: a bare host name or the spec's examples
 * {@code server}/{@code localhost} on Tomcat, a Tomcat {@code Engine/Host} name on Jetty, or
 * {@code server}/{@code localhost} on Jetty. A registration naming another real virtual server (a Tomcat
 * {@code Engine/Host}, a Jetty virtual host) is left alone, so other applications never fail because of it.
 *
 * <p>Stateless.
 */
final class AppContextCheck {

    /** The message layer of the Servlet Container Profile. */
    private static final String LAYER = TotpAuthConfigProvider.HTTP_SERVLET;

    private AppContextCheck() {
    }

    /**
     * The problem with the TOTP Guard registrations for one application, or {@code null} when there is none:
     * no TOTP Guard registration is meant for it, or the provider in effect for it is TOTP Guard's.
     *
     * @param factory the container's factory
     * @param providers the TOTP Guard providers whose registrations to look at
     * @param container {@code "Tomcat"}, {@code "Jetty"} or another name, for the message
     * @param serverName the host part the container uses for this application
     * @param appContext the whole identifier the container looks the provider up with
     */
    static String problem(AuthConfigFactory factory, Iterable<? extends AuthConfigProvider> providers, String container,
            String serverName, String appContext) {
        String path = pathOf(appContext);
        Set<String> meantHere = new TreeSet<>();
        for (AuthConfigProvider provider : providers) {
            for (String id : factory.getRegistrationIDs(provider)) {
                RegistrationContext registration = factory.getRegistrationContext(id);
                if (registration == null || registration.getAppContext() == null
                        || registration.getMessageLayer() != null && !LAYER.equals(registration.getMessageLayer())) {
                    continue;
                }
                String registered = registration.getAppContext();
                if (pathOf(registered).equals(path) && namesThisServer(hostOf(registered), serverName)) {
                    meantHere.add(registered);
                }
            }
        }
        AuthConfigProvider inEffect = factory.getConfigProvider(LAYER, appContext, null);
        // By name: the provider in effect may come from another class loader (a WAR's own copy of the jar).
        if (meantHere.isEmpty() || inEffect != null && inEffect.getClass().getName().equals(TotpAuthConfigProvider.class.getName())) {
            return null;
        }
        StringBuilder quoted = new StringBuilder();
        for (String registered : meantHere) {
            quoted.append(quoted.length() == 0 ? "" : ", ").append('"').append(registered).append('"');
        }
        return "the TOTP Guard Jakarta Authentication registration for appContext " + quoted
                + " cannot take effect: " + container + " looks this application's provider up under appContext \""
                + appContext + "\" (\"<server name> <context path>\"); register it with appContext=\"" + appContext
                + "\"" + where(container) + ", else the application's own login would ask for the password alone";
    }

    private static String where(String container) {
        switch (container) {
            case "Tomcat":
                return " in conf/jaspic-providers.xml";
            case "Jetty":
                return " in etc/jaspi/jetty-ee10-jaspi-authmoduleconfig.xml";
            default:
                return "";
        }
    }

    private static boolean namesThisServer(String host, String serverName) {
        if (host.isEmpty() || host.equalsIgnoreCase(serverName)) {
            return true;
        }
        String last = host.substring(host.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        boolean example = last.equals("server") || last.equals("localhost");
        boolean otherForm = host.contains("/") != serverName.contains("/");
        String serverLast = serverName.substring(serverName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        // A spelling of the same form as the container's own names a real virtual server: only the spec's
        // examples are taken as meant for this one. A spelling of the other form can never match here.
        return otherForm ? example || last.equals(serverLast) : example && !serverName.contains("/");
    }

    private static String hostOf(String appContext) {
        String trimmed = appContext.strip();
        int space = firstSpace(trimmed);
        return space < 0 ? (trimmed.startsWith("/") ? "" : trimmed) : trimmed.substring(0, space);
    }

    /** The context path part, as Tomcat writes it: no trailing slash, {@code ""} for the root. */
    private static String pathOf(String appContext) {
        String trimmed = appContext.strip();
        int space = firstSpace(trimmed);
        String path = space < 0 ? (trimmed.startsWith("/") ? trimmed : "") : trimmed.substring(space).strip();
        if (space >= 0 && !path.startsWith("/")) {
            path = "/" + path;
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static int firstSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
