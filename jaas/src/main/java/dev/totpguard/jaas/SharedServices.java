package dev.totpguard.jaas;

import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.AccountResolver;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TwoFactorServiceFactory;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One {@link TwoFactorService} per distinct set of {@code totpguard.*} settings, one
 * {@link PasswordVerifier} per distinct users configuration and one {@link AccountResolver} per account query, shared by every {@link TotpLoginModule} and
 * {@code TotpServerAuthModule} loaded by the same class loader.
 *
 * <p><b>Why this is the project's one piece of static mutable state.</b> JAAS creates a new
 * {@code LoginModule} instance for every login and hands it nothing but a map of option strings; there is
 * no container object to hang a service on. Building a service per login would open a connection pool,
 * read the key file and parse the users file on every attempt. So instances are kept here, keyed by the
 * option values themselves: two configuration entries with the same settings share one service (and so one
 * pool), two different ones get two. Nothing about a login is cached: replay protection and lockout stay in
 * the database, shared across nodes, because they are the service's.
 *
 * <p>Entries live until {@link #closeAll()}, which a JVM shutdown hook calls; a web application that bundles
 * this module (instead of the container's lib directory) should call {@link TotpLoginModule#closeSharedServices()}
 * when it is undeployed. Thread-safe: a {@link ConcurrentHashMap}, each entry built once.
 */
final class SharedServices {

    private static final System.Logger LOG = System.getLogger(SharedServices.class.getName());

    private static final Map<Map<String, String>, TwoFactorService> SERVICES = new ConcurrentHashMap<>();
    private static final Map<Map<String, String>, PasswordVerifier> VERIFIERS = new ConcurrentHashMap<>();
    private static final Map<Map<String, String>, AccountResolver> RESOLVERS = new ConcurrentHashMap<>();
    private static final List<AutoCloseable> CLOSEABLES = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServices::closeAll, "totpguard-jaas-shutdown"));
    }

    private SharedServices() {
    }

    /**
     * The service for these options, built on first use by {@link SettingsFactory} from the
     * {@linkplain LoginModuleOptions#serviceSettings() store and policy keys}, so that the messages name the options.
     *
     * @throws IllegalArgumentException from the factory: a bad setting, named in the message
     */
    static TwoFactorService service(LoginModuleOptions options) {
        return SERVICES.computeIfAbsent(options.serviceSettings(), key -> {
            TwoFactorService service = SettingsFactory.service(options.settings());
            remember(service);
            return service;
        });
    }

    /** The verifier for this key, built on first use by {@code factory}; a factory exception caches nothing. */
    static PasswordVerifier verifier(Map<String, String> key, Supplier<PasswordVerifier> factory) {
        return VERIFIERS.computeIfAbsent(Map.copyOf(key), k -> factory.get());
    }

    /** The account resolver for this key, built on first use by {@code factory}; a factory exception caches nothing. */
    static AccountResolver resolver(Map<String, String> key, Supplier<AccountResolver> factory) {
        return RESOLVERS.computeIfAbsent(Map.copyOf(key), k -> factory.get());
    }

    /** Registers something a factory opened (a pool) to be closed with the services. */
    static void remember(AutoCloseable closeable) {
        synchronized (CLOSEABLES) {
            CLOSEABLES.add(closeable);
        }
    }

    /** Closes every service and pool built here and forgets them; the next login builds fresh ones. */
    static void closeAll() {
        List<AutoCloseable> toClose;
        synchronized (CLOSEABLES) {
            toClose = new ArrayList<>(CLOSEABLES);
            CLOSEABLES.clear();
        }
        SERVICES.clear();
        VERIFIERS.clear();
        RESOLVERS.clear();
        for (AutoCloseable closeable : toClose) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Closing " + closeable.getClass().getSimpleName() + " failed", e);
            }
        }
    }
}
