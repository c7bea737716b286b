package dev.totpguard.filter.harness;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * Embedded Tomcat 11 with its default connector settings, the realm's users added to Tomcat's default
 * realm, and the DefaultServlet that a standalone Tomcat's conf/web.xml would add.
 */
final class TomcatContainer implements WebContainer {

    // Tomcat logs through java.util.logging; keep test output readable. Held so the setting sticks.
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private final Tomcat tomcat;
    private final Path baseDir;
    private final URI base;

    private TomcatContainer(Tomcat tomcat, Path baseDir, URI base) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.base = base;
    }

    static TomcatContainer start(Deployment deployment) throws Exception {
        TOMCAT_LOG.setLevel(Level.WARNING);
        Path baseDir = Files.createTempDirectory("totpguard-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Properties users = Deployment.realm();
        for (String user : users.stringPropertyNames()) {
            String[] passwordAndRoles = users.getProperty(user).split(",");
            tomcat.addUser(user, passwordAndRoles[0].strip());
            for (int i = 1; i < passwordAndRoles.length; i++) {
                tomcat.addRole(user, passwordAndRoles[i].strip());
            }
        }
        Context context = tomcat.addWebapp(CONTEXT_PATH, deployment.webapp().toString());
        if (deployment.isCaseInsensitiveRealm()) {
            context.setRealm(new CaseInsensitiveRealms.Tomcat());
        }
        // Only WEB-INF/lib counts, as in a standalone Tomcat: the test class path is not the application's.
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        // Likewise for initializers: TOTP Guard's own, found on the test class path, would run as a container's
        // would, where a standalone Tomcat knows only the one in WEB-INF/lib (subject to <absolute-ordering>).
        context.setContainerSciFilter("dev\\.totpguard\\.");
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        deployment.contextParameters().forEach(context::addParameter);
        if (deployment.initializer() != null) {
            context.addServletContainerInitializer(deployment.initializer(), null);
        }
        // Tomcat reports a filter that fails in init() only in its log; keep those records for the exception.
        StringBuilder startupErrors = new StringBuilder();
        Handler collector = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    startupErrors.append(record.getMessage()).append(": ").append(record.getThrown()).append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger contextLog = Logger.getLogger("org.apache.catalina.core");
        contextLog.addHandler(collector);
        try {
            tomcat.start();
        } finally {
            contextLog.removeHandler(collector);
        }
        if (context.getState() != LifecycleState.STARTED) {
            tomcat.stop();
            tomcat.destroy();
            throw new IllegalStateException("Tomcat could not start the web application (" + context.getState() + "):\n"
                    + startupErrors);
        }
        int port = tomcat.getConnector().getLocalPort();
        return new TomcatContainer(tomcat, baseDir, URI.create("http://127.0.0.1:" + port + CONTEXT_PATH));
    }

    @Override
    public URI base() {
        return base;
    }

    @Override
    public String name() {
        return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
