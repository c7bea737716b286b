package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.ChildProcess;
import dev.totpguard.testkit.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unmodified Tomcat as its own process, set up only as the tomcat archive's INSTALL.txt says: its
 * {@code tomcat/lib} jars in {@code $CATALINA_BASE/lib}, the shipped Realm line in {@code conf/server.xml}'s
 * {@code <Host>}, the README's jaas.conf through {@code java.security.auth.login.config}, and a WAR with a plain
 * FORM login and no TOTP Guard in it: the user types {@code password:code} into the password field. In the same
 * container, one more application combines the JAAS module with the servlet filter exactly as the section both
 * READMEs share says (jars, context file), its user enrolled with {@code EnrollCommand} run as its own process from
 * {@code $CATALINA_BASE/lib}. The subclasses name the Tomcat version.
 */
abstract class TomcatJaasRealmSetup extends ContainerSetup {

    private static final List<String> USERS = List.of("kate", "liam", "mia", "nora", "olga");

    private Path jaasConf;
    private URI combined;

    /** The Tomcat version, e.g. {@code 11.0.15}. */
    abstract String version();

    @Override
    String containerName() {
        return "tomcat " + version();
    }

    @Override
    List<String> passwords() {
        return USERS.stream().map(user -> user + "-pw").toList();
    }

    @BeforeAll
    void startTomcat() throws Exception {
        Path home = Distributions.container("apache-tomcat-" + version());
        work = Files.createTempDirectory(Path.of("target"), "tomcat-" + version() + "-").toAbsolutePath();
        Path totpguard = Distributions.unpackTotpGuard("tomcat", work.resolve("download"));
        String realm = Files.readString(totpguard.resolve("conf-snippets/server.xml-Realm.xml"), StandardCharsets.UTF_8);
        TomcatBase tomcat = TomcatBase.create(home, totpguard, work.resolve("base"), realm);
        base = tomcat.dir();

        store = new OperatorStore(Files.createDirectories(work.resolve("etc-totpguard")));
        writeUsers(store.dir().resolve("users.properties"), USERS);
        jaasConf = store.dir().resolve("jaas.conf");
        Files.writeString(jaasConf, Readme.jaasConfFor(store.dir(), store.jdbcUrl()), StandardCharsets.UTF_8);
        TestWebapp.write(base.resolve("webapps/app"), "TOTP Guard");
        TestWebapp.write(base.resolve("webapps/basic"), "TOTP Guard", "BASIC");
        Files.createDirectories(base.resolve("conf/Catalina/localhost"));
        Files.copy(totpguard.resolve("conf-snippets/basic-context.xml"), base.resolve("conf/Catalina/localhost/basic.xml"));
        installJaasWithFilter(totpguard);

        // CATALINA_OPTS from INSTALL.txt.
        startCommand = tomcat.startCommand("-Djava.security.auth.login.config=" + jaasConf);
        app = URI.create("http://127.0.0.1:" + tomcat.port() + "/app/");
        combined = URI.create("http://127.0.0.1:" + tomcat.port() + "/combined/");
        launch();
    }

    /**
     * The application {@code combined}: the README section's shell lines run as written (VERSION, $CATALINA_BASE and
     * $APP filled in), its context file saved as {@code conf/Catalina/localhost/combined.xml}, and the filter's context
     * parameters naming the jaas.conf's key file and store.
     */
    private void installJaasWithFilter(Path totpguard) throws Exception {
        String section = Readme.tomcatJaasWithFilter();
        Path webapp = base.resolve("webapps/combined");
        TestWebapp.write(webapp, "TOTP Guard", "FORM", Map.of(
                "totpguard.key.file", store.dir().resolve("totpguard.key").toString(),
                "totpguard.jdbc.url", store.jdbcUrl(),
                "totpguard.enforcement", "REQUIRED",
                "totpguard.filter.protected", "/secret.html"));
        Files.createDirectories(webapp.resolve("WEB-INF/lib"));
        String version = System.getProperty("totpguard.version");
        List<String> commands = Readme.fencedBlock(section, "sh").lines().filter(line -> !line.isBlank()).toList();
        assertEquals(2, commands.size(), "the README's shell block:\n" + commands);
        for (String command : commands) {
            String[] words = command.replace("VERSION", version).replace("\"", "").split("\\s+");
            assertTrue(words.length == 3 && words[0].equals("cp"), "expected 'cp <from> <to>': " + command);
            Path from = totpguard.getParent().resolve(words[1]);
            Path to = Path.of(words[2].replace("$CATALINA_BASE", base.toString()).replace("$APP", webapp.toString()));
            int copied = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(from.getParent(), from.getFileName().toString())) {
                for (Path file : files) {
                    Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    copied++;
                }
            }
            assertTrue(copied > 0, "nothing matched " + from);
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(webapp.resolve("WEB-INF/lib"))) {
            List<String> names = new ArrayList<>();
            jars.forEach(jar -> names.add(jar.getFileName().toString()));
            assertEquals(List.of("totpguard-filter-" + version + ".jar"), names, "only the filter jar in WEB-INF/lib");
        }
        Files.writeString(base.resolve("conf/Catalina/localhost/combined.xml"), Readme.fencedBlock(section, "xml"),
                StandardCharsets.UTF_8);
    }

    @Test
    void passwordAloneIsRefused() throws Exception {
        store.enroll("liam");
        assertLoginError(TestWebapp.formLogin(new Browser(), app, "liam", "liam-pw", null));
        assertLoginError(TestWebapp.formLogin(new Browser(), app, "liam", "liam-pw:", null));
    }

    @Test
    void codeAppendedToThePasswordLogsInForTheSessionAndIsNotAcceptedTwice() throws Exception {
        OperatorStore.Enrolled kate = store.enroll("kate");
        String password = "kate-pw:" + kate.nextCode();
        Browser browser = new Browser();
        assertSecret(TestWebapp.formLogin(browser, app, "kate", password, null));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.open(app.resolve("secret.html")));
        }
        assertLoginError(TestWebapp.formLogin(new Browser(), app, "kate", password, null));
    }

    @Test
    void basicLoginWithTheShippedContextKeepsTheSessionInsteadOfReplayingTheCode() throws Exception {
        URI basic = app.resolve("/basic/secret.html");
        OperatorStore.Enrolled mia = store.enroll("mia");
        assertEquals(401, new Browser().getBasic(basic, "mia", "mia-pw").status(), "password alone");

        String password = "mia-pw:" + mia.nextCode();
        Browser browser = new Browser();
        // The browser sends the same credentials with every request; only the first may run the login.
        for (int i = 0; i < 11; i++) {
            Response response = browser.getBasic(basic, "mia", password);
            assertTrue(response.status() == 200 && response.body().contains(TestWebapp.SECRET_PAGE),
                    "request " + (i + 1) + ": expected the protected page, got " + response.status() + "\n" + container.output());
        }
        assertEquals(401, new Browser().getBasic(basic, "mia", password).status(), "replay from another browser");
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        restart();
        assertSecret(TestWebapp.formLogin(new Browser(), app, "nora", "nora-pw:" + nora.nextCode(), null));
    }

    @Test
    void jaasModuleWithTheFilterAsBothReadmesSayEnrollsOnTheCommandLineAndAsksForTheCodeOnlyAtLogin() throws Exception {
        assertLoginError(TestWebapp.formLogin(new Browser(), combined, "olga", "olga-pw:123456", null));

        byte[] secret = enrollOnTheCommandLine("olga");
        Totp totp = Totp.builder().build();
        String code = totp.generateAtStep(secret, totp.currentStep() + 1);
        assertLoginError(TestWebapp.formLogin(new Browser(), combined, "olga", "olga-pw", null));
        Browser browser = new Browser();
        // Straight to the page: the filter recognises the module's TotpVerifiedPrincipal and asks for no code.
        assertSecret(TestWebapp.formLogin(browser, combined, "olga", "olga-pw:" + code, null));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.open(combined.resolve("secret.html")));
        }
        assertLoginError(TestWebapp.formLogin(new Browser(), combined, "olga", "olga-pw:" + code, null));
        assertTrue(container.linesWith("Connection is not available").isEmpty()
                && container.linesWith("totpguard.filter").stream().noneMatch(line -> line.contains("SEVERE")),
                "the filter and the module must share one store:\n" + container.output());
    }

    /**
     * Runs the README's command as its own process on the jars in {@code $CATALINA_BASE/lib}, typing the code the
     * secret it prints gives; returns that secret.
     */
    private byte[] enrollOnTheCommandLine(String user) throws Exception {
        Process process = new ProcessBuilder(ChildProcess.javaExecutable(), "-cp", base.resolve("lib") + "/*",
                "dev.totpguard.jaas.EnrollCommand", "--jaas-config", jaasConf.toString(), "--entry", "TotpGuard", user)
                .redirectErrorStream(true).start();
        StringBuilder screen = new StringBuilder();
        byte[] secret = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer keyboard = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                screen.append(line).append('\n');
                if (line.startsWith("otpauth URI: ")) {
                    secret = OtpAuthUri.parse(line.substring("otpauth URI: ".length())).secret().bytes();
                    Totp totp = Totp.builder().build();
                    keyboard.write(totp.generateAtStep(secret, totp.currentStep()) + "\n");
                    // One code only: a second prompt reads the end of input and ends the command instead of waiting.
                    keyboard.close();
                }
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "EnrollCommand did not end:\n" + screen);
        assertEquals(0, process.exitValue(), "EnrollCommand:\n" + screen);
        assertTrue(secret != null && screen.toString().contains("\u2588") && screen.toString().contains(user + " is enrolled"),
                screen.toString());
        return secret;
    }

    private void assertLoginError(Response response) {
        assertTrue(response.body().contains(TestWebapp.LOGIN_ERROR) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected the login error page, got " + response.status() + ": " + response.body() + "\n" + container.output());
    }
}
