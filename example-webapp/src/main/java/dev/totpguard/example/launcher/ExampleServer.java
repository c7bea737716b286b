package dev.totpguard.example.launcher;

import dev.totpguard.example.data.DataSources;
import dev.totpguard.example.login.AccountNameCallbackHandler;
import dev.totpguard.example.login.PasswordLoginModule;
import dev.totpguard.example.login.SessionLoginAuthenticator;
import dev.totpguard.example.login.SessionLoginService;
import dev.totpguard.example.web.ExampleWebApp;
import dev.totpguard.jaas.JdbcPasswordVerifier;
import dev.totpguard.jaas.RolePrincipal;
import dev.totpguard.jaas.TotpLoginModule;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.security.jaas.JAASLoginService;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DatabaseAdaptor;
import org.eclipse.jetty.session.DefaultSessionCacheFactory;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.JDBCSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionCache;

/**
 * Runs the example WAR on embedded Jetty 12 (ee10): opens the installation (database, key file, first
 * administrator), binds the port, deploys the WAR that the launcher jar carries, and prints the ready line
 * {@code TOTP Guard example running at http://localhost:PORT/}.
 *
 * <p>The container's FORM login is checked by TOTP Guard's JAAS login module through Jetty's
 * {@link JAASLoginService}, configured here in code (no {@code jaas.conf} file). The web application's class
 * loader takes every {@code dev.totpguard.} class from the launcher's class path (Jetty's "protected classes"),
 * so the login module, the filter and the admin pages share one copy of each TOTP Guard class, one H2 engine and
 * one connection pool.
 *
 * <p>With {@code --shared-sessions} the HTTP sessions are kept in the same database (Jetty's JDBC session store,
 * with a session cache that keeps a session only while its requests run, and the account name instead of the
 * password in the session), configured as the main README's "Running a cluster" shows, so that any node on that
 * database carries on a session another node started.
 */
final class ExampleServer {

    static final String WAR_RESOURCE = "/webapp/totpguard-example.war";
    static final String REALM = "TOTP Guard";
    static final String JAAS_ENTRY = "totpguard";
    static final String LOGIN_MODULE = TotpLoginModule.class.getName();

    private ExampleServer() {
    }

    static int run(LauncherOptions options, Terminal terminal) throws StartupException {
        Path work = null;
        Installation installation = Installation.open(options, terminal, true);
        Server server = new Server();
        try {
            work = Files.createTempDirectory("totpguard-example");
            Path war = extractWar(work);
            // No "Server: Jetty(12...)" header and no version on error pages.
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            if (!options.trustedProxies().isEmpty()) {
                // Behind a TLS proxy: the client's address for the limits, and https for Secure session cookies.
                http.addCustomizer(new TrustedProxyCustomizer(options.trustedProxies()));
            }
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(options.host());
            connector.setPort(options.port());
            server.addConnector(connector);
            if (options.sharedSessions()) {
                shareSessions(server, options, installation);
            }
            server.setHandler(webApp(options, installation, war, work));
            server.setErrorHandler(PlainErrorHandlers.forServer());
            server.setStopAtShutdown(true);
            server.setStopTimeout(5_000);
            try {
                // Bound before the server starts, so a busy port is one clear message rather than Jetty's log.
                connector.open();
            } catch (IOException e) {
                if (isBindFailure(e)) {
                    throw new StartupException("Port " + options.port() + " on " + options.host() + " is already in use. Stop the other "
                            + "program, or pass --port N (--port 0 picks a free port).", e);
                }
                throw new StartupException("Cannot listen on " + options.host() + ":" + options.port() + ": " + DataSources.rootMessage(e), e);
            }
            try {
                server.start();
            } catch (Exception e) {
                throw new StartupException("The web application did not start: " + DataSources.rootMessage(e), e);
            }
            if (options.withoutTotpFilter()) {
                warnWithoutTotpFilter(terminal);
            }
            terminal.out().println(options.smtp().map(smtp -> "Notification mails go to the administrators' addresses through " + smtp.describe() + ".")
                    .orElse("Notification mails are off: no " + LauncherOptions.SMTP_HOST_FLAG + " given, so administrators are not told by mail "
                            + "when their two-factor authentication changes."));
            if (options.sharedSessions()) {
                terminal.out().println("Sessions are shared: stored in the database's JettySessions table as node '" + options.nodeName()
                        + "' (account names and TOTP Guard's markers, no passwords); whoever can write that table can forge sessions, see SECURITY.md.");
            }
            terminal.out().println("TOTP Guard example running at http://localhost:" + connector.getLocalPort() + "/");
            terminal.out().flush();
            server.join();
            return Main.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.OK;
        } catch (IOException e) {
            throw new StartupException("Cannot prepare the web application in a temporary directory: " + DataSources.rootMessage(e), e);
        } finally {
            stopQuietly(server);
            installation.close();
            deleteQuietly(work);
        }
    }

    private static WebAppContext webApp(LauncherOptions options, Installation installation, Path war, Path work) {
        WebAppContext webApp = new WebAppContext();
        webApp.setContextPath("/");
        webApp.setWar(war.toString());
        webApp.setTempDirectory(work.resolve("jetty").toFile());
        webApp.setThrowUnavailableOnStartupException(true);
        // Error pages say what happened, never how: the status alone, no exception, message or stack trace.
        webApp.setErrorHandler(PlainErrorHandlers.forContext());
        // One copy of every TOTP Guard class, taken from the launcher: see the class comment.
        webApp.getProtectedClassMatcher().add("dev.totpguard.");
        for (Map.Entry<String, String> parameter : installation.webSettings().entrySet()) {
            webApp.setInitParameter(parameter.getKey(), parameter.getValue());
        }
        // The web application uses the launcher's pool and service (same classes: see the class comment).
        webApp.setAttribute(ExampleWebApp.DATA_SOURCE_ATTRIBUTE, installation.dataSource());
        webApp.setAttribute(ExampleWebApp.TWO_FACTOR_ATTRIBUTE, installation.twoFactor());
        webApp.setAttribute(ExampleWebApp.ENFORCEMENT_GRACE_ATTRIBUTE, installation.enforcementGrace());
        if (installation.notifications().isPresent()) {
            webApp.setAttribute(ExampleWebApp.PAGE_LANGUAGE_ATTRIBUTE, installation.pageLanguage());
            webApp.setAttribute(ExampleWebApp.ADDRESS_CHANGE_MAILS_ATTRIBUTE, installation.addressChangeMails());
        }
        if (options.withoutTotpFilter()) {
            webApp.setAttribute(ExampleWebApp.WITHOUT_TOTP_FILTER_ATTRIBUTE, Boolean.TRUE);
        }
        webApp.getSessionHandler().setSameSite(HttpCookie.SameSite.LAX);
        webApp.getSessionHandler().setHttpOnly(true);

        JAASLoginService passwordLogin = new JAASLoginService(REALM);
        passwordLogin.setLoginModuleName(JAAS_ENTRY);
        // The principal's name is the stored account name the password step reports, not the typed spelling.
        passwordLogin.setCallbackHandlerClass(AccountNameCallbackHandler.class.getName());
        passwordLogin.setConfiguration(jaasConfiguration(installation, options));
        passwordLogin.setRoleClassNames(new String[] {RolePrincipal.class.getName()});
        // web.xml's FORM login, keeping the account's name in the session and never the password; a session stored
        // by another node is signed in again by name (see SessionLoginService), not with a password hash.
        webApp.getSecurityHandler().setLoginService(new SessionLoginService(passwordLogin, installation.accounts()));
        webApp.getSecurityHandler().setAuthenticator(new SessionLoginAuthenticator());
        return webApp;
    }

    /**
     * Jetty's JDBC session store on the installation's pool, as the main README's "Running a cluster" shows: the web
     * application's {@code SessionHandler} finds these beans on the server when it starts.
     */
    private static void shareSessions(Server server, LauncherOptions options, Installation installation) {
        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName(options.nodeName());
        server.addBean(ids, true);

        DatabaseAdaptor adaptor = new DatabaseAdaptor();
        adaptor.setDatasource(installation.dataSource());
        JDBCSessionDataStoreFactory store = new JDBCSessionDataStoreFactory();
        store.setDatabaseAdaptor(adaptor);
        // Every change is written at the end of its request, not only after some seconds.
        store.setSavePeriodSec(0);
        server.addBean(store);

        // A cache that holds a session only while requests for it run: concurrent requests of one session share one
        // copy, and each new request reads the database, so this node never serves a copy older than what another
        // node wrote (the step from half-authenticated to verified, or a logout there). A cache that kept sessions
        // longer would let a session logged out on one node live on in another node's memory. Loading a session
        // signs it in again by name (SessionLoginService): no password is stored and none is hashed per request.
        DefaultSessionCacheFactory cache = new DefaultSessionCacheFactory();
        cache.setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
        cache.setSaveOnCreate(true);
        // Stored before the browser sees the response, so its next request may go to any node.
        cache.setFlushOnResponseCommit(true);
        server.addBean(cache);
    }

    /**
     * The JAAS configuration entry {@value #JAAS_ENTRY}, in code (no {@code jaas.conf} file): the password step
     * ({@link PasswordLoginModule}, REQUISITE) and TOTP Guard's {@code TotpLoginModule} in stacked mode, OPTIONAL.
     * Without {@code j_totp} the login is password-only and the filter asks for the code next (two steps); with a
     * right {@code j_totp} the module marks the subject verified and the filter asks nothing more.
     */
    private static Configuration jaasConfiguration(Installation installation, LauncherOptions options) {
        AppConfigurationEntry password = new AppConfigurationEntry(PasswordLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUISITE,
                Map.of(PasswordLoginModule.VERIFIER_OPTION, JdbcPasswordVerifier.builder(installation.dataSource()).build(),
                        PasswordLoginModule.SERVICE_OPTION, installation.twoFactor(),
                        PasswordLoginModule.TRUSTED_PROXIES_OPTION, options.trustedProxies()));
        AppConfigurationEntry code = new AppConfigurationEntry(LOGIN_MODULE,
                AppConfigurationEntry.LoginModuleControlFlag.OPTIONAL, installation.loginModuleOptions());
        AppConfigurationEntry[] entries = {password, code};
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return JAAS_ENTRY.equals(name) ? entries.clone() : null;
            }
        };
    }

    /** On standard error, where a person watching the console sees it next to the ready line. */
    private static void warnWithoutTotpFilter(Terminal terminal) {
        String rule = "*".repeat(100);
        terminal.err().println(rule);
        terminal.err().println("* WARNING: started with " + LauncherOptions.WITHOUT_TOTP_FILTER_FLAG + ": TOTP Guard's filter is NOT installed.");
        terminal.err().println("* The admin pages need the password alone. This mode exists to measure what the filter costs per request");
        terminal.err().println("* (benchmarks/run.sh); never use it for a real installation.");
        terminal.err().println(rule);
        terminal.err().flush();
    }

    /** Copies the WAR out of the launcher jar: Jetty unpacks a WAR from a file, not from inside another jar. */
    private static Path extractWar(Path work) throws IOException, StartupException {
        Path war = work.resolve("totpguard-example.war");
        try (InputStream in = ExampleServer.class.getResourceAsStream(WAR_RESOURCE)) {
            if (in == null) {
                throw new StartupException("This jar carries no web application (" + WAR_RESOURCE + "); build it with "
                        + "./mvnw -q -B package -DskipTests and run example-webapp/target/totpguard-example.jar.");
            }
            Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
        }
        return war;
    }

    /** Jetty wraps the JDK's BindException in an IOException of its own. */
    private static boolean isBindFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(Server server) {
        try {
            if (server.isStarted() || server.isStarting()) {
                server.stop();
            }
        } catch (Exception e) {
            // Already shutting down; nothing else to do.
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
