package dev.totpguard.jaspic;

import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.security.auth.message.config.AuthConfigProvider;
import jakarta.security.auth.message.config.ClientAuthConfig;
import jakarta.security.auth.message.config.ServerAuthConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import javax.security.auth.callback.CallbackHandler;

/**
 * Registers {@link TotpServerAuthModule} with a container's {@link AuthConfigFactory} (Jakarta Authentication
 * 3.0, section 2.1.5 "AuthConfigProvider"). Declaratively, through the standard constructor taking the
 * provider properties (the module's options) and the factory, e.g. in Tomcat's
 * {@code jaspic-providers.xml}; or in code with {@link #register}. One module is built and initialized per
 * application context, on first use; a bad option fails that context closed with a message naming it.
 *
 * <p>Every provider built in this class loader is remembered (weakly: the factory's registration keeps it
 * alive), so that {@link RegistrationCheck} can ask the factory under which application contexts each one
 * is registered. Jakarta Authentication has no portable way to list registrations: Jetty's
 * {@code DefaultAuthConfigFactory.getRegistrationIDs(null)} returns none, and a provider that Tomcat builds
 * from {@code jaspic-providers.xml} is not told its application context.
 * Thread-safe.
 */
public final class TotpAuthConfigProvider implements AuthConfigProvider {

    /** The message layer of the Servlet Container Profile. */
    public static final String HTTP_SERVLET = "HttpServlet";

    // The project's second static state (after SharedServices): see the class comment. Only instances, no
    // login state; weak, so an unregistered provider is forgotten with its factory registration.
    private static final Set<TotpAuthConfigProvider> BUILT = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private final Map<String, ?> options;

    /**
     * The standard provider constructor.
     *
     * @param options the module's options; values are Strings, except the optional instances under
     *     {@code dev.totpguard.jaas.TotpLoginModule#SERVICE_OPTION} and {@code VERIFIER_OPTION}
     * @param factory if not {@code null}, the provider registers itself there for every HttpServlet context
     */
    public TotpAuthConfigProvider(Map<String, ?> options, AuthConfigFactory factory) {
        this.options = options == null ? Map.of() : Map.copyOf(options);
        BUILT.add(this);
        if (factory != null) {
            factory.registerConfigProvider(this, HTTP_SERVLET, null, "TOTP Guard");
        }
    }

    /**
     * Registers a provider with these options for one application context and returns the registration id. The
     * application context is the string the container looks providers up with: {@code "Catalina/localhost /app"}
     * on Tomcat ({@code ServletContext.getVirtualServerName()}, a space, the context path), {@code "server /app"}
     * on Jetty (the first virtual host, else {@code server}); {@code null} for all applications.
     */
    public static String register(AuthConfigFactory factory, String appContext, Map<String, ?> options) {
        return factory.registerConfigProvider(new TotpAuthConfigProvider(options, null), HTTP_SERVLET, appContext,
                "TOTP Guard password and TOTP login");
    }

    /** The providers of this class loader that are still reachable (registered somewhere, or held by a caller). */
    static List<TotpAuthConfigProvider> built() {
        synchronized (BUILT) {
            return new ArrayList<>(BUILT);
        }
    }

    @Override
    public ClientAuthConfig getClientAuthConfig(String layer, String appContext, CallbackHandler handler) {
        return null;
    }

    @Override
    public ServerAuthConfig getServerAuthConfig(String layer, String appContext, CallbackHandler handler)
            throws AuthException {
        TotpServerAuthModule module = new TotpServerAuthModule();
        module.initialize(null, null, handler, options);
        return new TotpServerAuthConfig(layer, appContext, module);
    }

    @Override
    public void refresh() {
    }
}
