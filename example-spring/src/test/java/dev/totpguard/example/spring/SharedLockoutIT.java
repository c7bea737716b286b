package dev.totpguard.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.Enrollment;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.filter.TotpFilter;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.jaas.TotpCallback;
import dev.totpguard.jaas.TotpLoginModule;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.ExternalRequirement;
import dev.totpguard.testkit.MutableClock;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.realm.MemoryRealm;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One account, three entry points, one lock: the same administrator signs in through TOTP Guard's Spring Security
 * factor (this example on Spring Boot's embedded Tomcat), through TOTP Guard's servlet filter (an embedded Tomcat with
 * BASIC login) and through its JAAS login module, each with a service of its own over one server database and one
 * key file, as three applications of one company would. Wrong codes spread over the three lock the account at the
 * policy's limit, and then the right code is refused by all three until the lock ends. All services share one
 * {@link MutableClock}, so the codes and the end of the lock are exact.
 */
@ExtendWith(WithoutBuildProperties.class)
class SharedLockoutIT {

    private static final String ADMIN_MARKER = "FILTER-ADMIN-PAGE";
    private static final String PASSWORD = "shared-lock-password-1";
    private static final Totp TOTP = Totp.builder().build();
    private static final TwoFactorPolicy POLICY = TwoFactorPolicy.builder().issuer(StorageConfiguration.ISSUER).build();

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb"})
    void wrongCodesOnAllThreeEntryPointsLockTheAccountEverywhere(String database) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        Path keyFile = temp.resolve("keys/totpguard.key");
        Files.createDirectories(keyFile.getParent());
        KeyRing.generateKeyFile(keyFile);
        try (ScratchDatabase db = ScratchDatabase.create(database);
             ConfigurableApplicationContext spring = startSpring(db, keyFile, clock);
             TwoFactorService filterService = service(db, keyFile, clock);
             TwoFactorService jaasService = service(db, keyFile, clock);
             FilterApplication filter = FilterApplication.start(filterService, temp.resolve("tomcat"), FirstAdministrator.NAME,
                     firstPassword())) {
            URI springBase = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) spring).getWebServer().getPort() + "/");
            String password = firstPassword();
            Configuration jaas = jaasConfiguration(jaasService, usersFile(FirstAdministrator.NAME, password));

            byte[] secret = enroll(filterService, FirstAdministrator.NAME, clock);
            clock.advance(Duration.ofSeconds(30));

            List<EntryPoint> entryPoints = List.of(
                    code -> springSignIn(springBase, password, code),
                    code -> filter.signIn(FirstAdministrator.NAME, password, code),
                    code -> jaasSignIn(jaas, FirstAdministrator.NAME, password, code));
            int limit = POLICY.maxFailures();
            for (int failure = 0; failure < limit; failure++) {
                EntryPoint entryPoint = entryPoints.get(failure % entryPoints.size());
                assertEquals(Outcome.REFUSED, entryPoint.signIn(wrongCode(secret, clock)), "wrong code " + (failure + 1));
            }
            assertTrue(filterService.status(FirstAdministrator.NAME).lockedUntil().isPresent(),
                    "locked after " + limit + " wrong codes on three entry points");

            // The right code, one unused step per entry point: refused everywhere while the lock holds.
            long step = Totp.builder().clock(clock).build().currentStep();
            for (int i = 0; i < entryPoints.size(); i++) {
                assertEquals(Outcome.REFUSED, entryPoints.get(i).signIn(TOTP.generateAtStep(secret, step - 1 + i)),
                        "the right code on entry point " + i + " while locked");
            }

            clock.advance(POLICY.lockoutMax().plusMinutes(1));
            long later = Totp.builder().clock(clock).build().currentStep();
            for (int i = 0; i < entryPoints.size(); i++) {
                assertEquals(Outcome.SIGNED_IN, entryPoints.get(i).signIn(TOTP.generateAtStep(secret, later - 1 + i)),
                        "the right code on entry point " + i + " once the lock has ended");
            }
        }
    }

    /** One way to sign in with password and code. */
    @FunctionalInterface
    interface EntryPoint {
        Outcome signIn(String code) throws Exception;
    }

    enum Outcome { SIGNED_IN, REFUSED }

    /** The password the example wrote for its first administrator (no TOTPGUARD_ADMIN_PASSWORD in this JVM). */
    private String firstPassword() throws IOException {
        return Files.readString(temp.resolve("data").resolve(FirstAdministrator.PASSWORD_FILE)).strip();
    }

    private ConfigurableApplicationContext startSpring(ScratchDatabase db, Path keyFile, MutableClock clock) {
        return new SpringApplicationBuilder(ExampleSpringApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("clock", clock))
                .run("--server.port=0", "--example.data=" + temp.resolve("data"), "--example.jdbc-url=" + db.jdbcUrl(),
                        "--example.jdbc-user=" + db.user(), "--example.key-file=" + keyFile, "--spring.main.banner-mode=off",
                        // The filter jar is on this test's class path for the filter application only.
                        "--spring.autoconfigure.exclude=dev.totpguard.filter.TotpGuardAutoConfiguration");
    }

    /** A service of one more application on the same database and key file, on the shared clock. */
    private static TwoFactorService service(ScratchDatabase db, Path keyFile, Clock clock) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setMaximumPoolSize(2);
        HikariDataSource dataSource = new HikariDataSource(config);
        return TwoFactorService.builder()
                .store(JdbcCredentialStore.builder(dataSource).build())
                .keyRing(KeyRing.fromKeyFile(keyFile))
                .policy(POLICY)
                .clock(clock)
                .closing(dataSource)
                .build();
    }

    private static byte[] enroll(TwoFactorService service, String user, Clock clock) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        String code = TOTP.generateAtStep(secret, Totp.builder().clock(clock).build().currentStep());
        assertTrue(service.confirmEnrollment(user, enrollment.nonce(), code, "127.0.0.1").verification().isAccepted());
        return secret;
    }

    /** A well-formed code that matches no step near the clock's. */
    private static String wrongCode(byte[] secret, Clock clock) {
        long step = Totp.builder().clock(clock).build().currentStep();
        for (int candidate = 123456; ; candidate = (candidate + 111111) % 1_000_000) {
            String code = String.format("%06d", candidate);
            boolean near = false;
            for (long s = step - 3; s <= step + 3; s++) {
                near |= TOTP.generateAtStep(secret, s).equals(code);
            }
            if (!near) {
                return code;
            }
        }
    }

    /** Spring's login form, then TOTP Guard's token page, as a person's browser submits them. */
    private static Outcome springSignIn(URI base, String password, String code) {
        Browser browser = new Browser();
        Response login = browser.open(base.resolve("admin/"));
        assertEquals("/login", login.uri().getPath(), login::toString);
        Map<String, String> form = formFields(login, "username");
        form.put("username", FirstAdministrator.NAME);
        form.put("password", password);
        Response token = browser.submit(formAction(login, "username"), form);
        if (token.uri().getPath().equals("/login") && "error".equals(token.uri().getQuery())) {
            // A locked account's password is refused before it is checked, with the answer to a wrong password.
            return Outcome.REFUSED;
        }
        assertTrue(token.uri().getPath().startsWith("/totpguard/"), token::toString);
        Map<String, String> codeForm = formFields(token, "code");
        codeForm.put("code", code);
        Response after = browser.submit(formAction(token, "code"), codeForm);
        return after.status() == 200 && after.uri().getPath().equals("/admin/") && after.body().contains("id=\"welcome\"")
                ? Outcome.SIGNED_IN : Outcome.REFUSED;
    }

    private static Outcome jaasSignIn(Configuration configuration, String user, String password, String code) throws LoginException {
        CallbackHandler answers = callbacks -> {
            for (var callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(user);
                } else if (callback instanceof PasswordCallback secret) {
                    secret.setPassword(password.toCharArray());
                } else if (callback instanceof TotpCallback totp) {
                    totp.setCode(code.toCharArray());
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        };
        try {
            new LoginContext("shared-lock", new Subject(), answers, configuration).login();
            return Outcome.SIGNED_IN;
        } catch (FailedLoginException | AccountLockedException refused) {
            return Outcome.REFUSED;
        }
    }

    private Path usersFile(String user, String password) throws IOException {
        Path file = temp.resolve("jaas-users.properties");
        String hash = PasswordHash.builder().iterations(PasswordHash.MIN_ITERATIONS).build().hash(password.toCharArray());
        Files.writeString(file, user + " = " + hash + ", admin\n");
        return file;
    }

    /** TOTP Guard's login module alone (password from a users file, then the code), with its own service. */
    private static Configuration jaasConfiguration(TwoFactorService service, Path usersFile) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put(TotpLoginModule.SERVICE_OPTION, service);
        options.put(TotpGuardSettings.JAAS_PASSWORD_SOURCE, "properties");
        options.put(TotpGuardSettings.JAAS_PASSWORD_FILE, usersFile.toString());
        options.put(TotpGuardSettings.JAAS_PASSWORD_ITERATIONS, String.valueOf(PasswordHash.MIN_ITERATIONS));
        AppConfigurationEntry entry = new AppConfigurationEntry(TotpLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options);
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {entry};
            }
        };
    }

    /** The input fields of the page's form that holds the field {@code fieldName}, with their values. */
    static Map<String, String> formFields(Response page, String fieldName) {
        Element form = form(page, fieldName);
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            fields.put(input.attr("name"), input.attr("value"));
        }
        return fields;
    }

    static URI formAction(Response page, String fieldName) {
        return page.uri().resolve(form(page, fieldName).attr("action"));
    }

    private static Element form(Response page, String fieldName) {
        Document document = Jsoup.parse(page.body(), page.uri().toString());
        Element field = document.selectFirst("form input[name=" + fieldName + "]");
        if (field == null) {
            throw new AssertionError("no form with the field " + fieldName + ": " + page + "\n" + page.body());
        }
        return field.closest("form");
    }

    /**
     * A web application behind TOTP Guard's servlet filter on an embedded Tomcat: BASIC login against Tomcat's own
     * user list, {@code /admin/*} for the role admin, the filter over its own service.
     */
    static final class FilterApplication implements AutoCloseable {

        private final Tomcat tomcat;
        private final URI base;

        private FilterApplication(Tomcat tomcat, URI base) {
            this.tomcat = tomcat;
            this.base = base;
        }

        static FilterApplication start(TwoFactorService service, Path dir, String user, String password) throws Exception {
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(dir.toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            Context context = tomcat.addContext("/app", Files.createDirectories(dir.resolve("docs")).toString());
            Tomcat.addServlet(context, "admin", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setContentType("text/plain");
                    response.getWriter().write(ADMIN_MARKER + " for " + request.getRemoteUser());
                }
            });
            context.addServletMappingDecoded("/admin/*", "admin");
            // Tomcat runs a request's filters only when a servlet matches it: the default one for the filter's pages.
            Tomcat.addServlet(context, "default", new DefaultServlet());
            context.addServletMappingDecoded("/", "default");
            SecurityConstraint constraint = new SecurityConstraint();
            SecurityCollection admin = new SecurityCollection();
            admin.addPatternDecoded("/admin/*");
            // TOTP Guard's pages need the signed-in user too (filter/README.md).
            admin.addPatternDecoded("/totpguard/*");
            constraint.addCollection(admin);
            constraint.addAuthRole("admin");
            context.addConstraint(constraint);
            context.addSecurityRole("admin");
            LoginConfig login = new LoginConfig();
            login.setAuthMethod("BASIC");
            login.setRealmName("shared-lock");
            context.setLoginConfig(login);
            context.getPipeline().addValve(new BasicAuthenticator());
            Path users = dir.resolve("tomcat-users.xml");
            Files.writeString(users, "<tomcat-users><user username=\"" + user + "\" password=\"" + password
                    + "\" roles=\"admin\"/></tomcat-users>");
            MemoryRealm realm = new MemoryRealm();
            realm.setPathname(users.toString());
            context.setRealm(realm);
            context.addServletContainerInitializer(TotpFilter.initializer(
                    TotpFilter.builder().service(service).protectedPaths("/admin/*").build()), null);
            tomcat.start();
            return new FilterApplication(tomcat, URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/app/"));
        }

        /** BASIC credentials on /app/admin/, then the filter's token page. */
        Outcome signIn(String user, String password, String code) {
            Browser browser = new Browser();
            Response token = browser.getBasicWithin(base.resolve("admin/"), base, user, password);
            assertTrue(token.uri().getPath().startsWith("/app/totpguard/"), token::toString);
            Map<String, String> form = formFields(token, "code");
            form.put("code", code);
            Response after = browser.submit(formAction(token, "code"), form);
            if (after.uri().getPath().equals("/app/totpguard/token") || after.uri().getPath().equals("/app/totpguard/verify")) {
                // The browser re-sends BASIC credentials on the next request of the space; the filter decides.
                after = browser.getBasicWithin(base.resolve("admin/"), base, user, password);
            }
            return after.status() == 200 && after.body().startsWith(ADMIN_MARKER) ? Outcome.SIGNED_IN : Outcome.REFUSED;
        }

        @Override
        public void close() throws Exception {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /**
     * A fresh schema (PostgreSQL, 127.0.0.1:5432, database test, user postgres) or database (MariaDB, 127.0.0.1:3306,
     * root) dropped on close; skips or fails by {@link ExternalRequirement} when the server is down.
     */
    record ScratchDatabase(String server, String user, String jdbcUrl, String drop) implements AutoCloseable {

        static ScratchDatabase create(String kind) throws SQLException {
            String name = "lock_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            ScratchDatabase db = switch (kind) {
                case "postgresql" -> new ScratchDatabase("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
                        "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + name, "DROP SCHEMA " + name + " CASCADE");
                case "mariadb" -> new ScratchDatabase("jdbc:mariadb://127.0.0.1:3306/test", "root",
                        "jdbc:mariadb://127.0.0.1:3306/" + name, "DROP DATABASE " + name);
                default -> throw new IllegalArgumentException(kind);
            };
            ExternalRequirement.assumeOrFail(db.reachable(), kind + " on " + db.server + " (user " + db.user + ")");
            db.execute(kind.equals("postgresql") ? "CREATE SCHEMA " + name : "CREATE DATABASE " + name);
            return db;
        }

        private boolean reachable() {
            try (Connection connection = DriverManager.getConnection(server, user, "")) {
                return connection.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        private void execute(String sql) throws SQLException {
            try (Connection connection = DriverManager.getConnection(server, user, ""); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }

        @Override
        public void close() throws SQLException {
            execute(drop);
        }
    }
}
