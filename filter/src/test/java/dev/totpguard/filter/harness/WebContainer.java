package dev.totpguard.filter.harness;

import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * An embedded servlet container running one web application directory (a WEB-INF/web.xml and static
 * files), unchanged, on a free port of 127.0.0.1 with context path {@link #CONTEXT_PATH}. Jetty 12 ee10
 * and Tomcat 11 implement it, so every integration test runs against both.
 */
public interface WebContainer extends AutoCloseable {

    String CONTEXT_PATH = "/app";

    /** The test application in src/test/webapp. */
    Path TEST_WEBAPP = Path.of("src", "test", "webapp").toAbsolutePath();

    /** {@code http://127.0.0.1:PORT/app}, without a trailing slash. */
    URI base();

    /** The container's name, for messages. */
    String name();

    @Override
    void close() throws Exception;

    /** What to deploy: the web application, context parameters, an optional initializer and the realm. */
    final class Deployment {
        private final Path webapp;
        private final Map<String, String> contextParameters = new LinkedHashMap<>();
        private ServletContainerInitializer initializer;
        private boolean caseInsensitiveRealm;

        public Deployment(Path webapp) {
            this.webapp = Objects.requireNonNull(webapp);
        }

        public Deployment contextParameter(String name, String value) {
            contextParameters.put(name, value);
            return this;
        }

        public Deployment contextParameters(Map<String, String> parameters) {
            contextParameters.putAll(parameters);
            return this;
        }

        /** Run at start-up, as a ServletContainerInitializer registered by the embedding code would. */
        public Deployment initializer(ServletContainerInitializer initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * A realm that accepts any spelling of a user name (case, accents, compatibility characters, surrounding
         * space) and reports the typed name as the principal, as case-insensitive directories do.
         */
        public Deployment caseInsensitiveRealm() {
            this.caseInsensitiveRealm = true;
            return this;
        }

        public boolean isCaseInsensitiveRealm() {
            return caseInsensitiveRealm;
        }

        public Path webapp() {
            return webapp;
        }

        public Map<String, String> contextParameters() {
            return contextParameters;
        }

        public ServletContainerInitializer initializer() {
            return initializer;
        }

        /** The users of src/test/resources/realm.properties: name -> "password,role,...". */
        public static Properties realm() {
            Properties users = new Properties();
            try (InputStream in = WebContainer.class.getResourceAsStream("/realm.properties")) {
                users.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read realm.properties", e);
            }
            return users;
        }

        public static Path realmFile() {
            try {
                Path file = Files.createTempFile("totpguard-realm", ".properties");
                try (InputStream in = WebContainer.class.getResourceAsStream("/realm.properties")) {
                    Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy realm.properties", e);
            }
        }
    }

    static WebContainer start(String kind, Deployment deployment) throws Exception {
        switch (kind) {
            case "jetty":
                return JettyContainer.start(deployment);
            case "tomcat":
                return TomcatContainer.start(deployment);
            default:
                throw new IllegalArgumentException("unknown container " + kind);
        }
    }
}
