package dev.totpguard.example.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.example.mail.ServerCertificate;
import dev.totpguard.example.mail.SmtpSettings;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LauncherOptionsTest {

    private static LauncherOptions parse(String... args) throws UsageException {
        return LauncherOptions.parse(args, Map.of());
    }

    @Test
    void noArgumentsStartTheServerOnPort8080WithTheBuiltInDatabase() throws UsageException {
        LauncherOptions options = parse();
        assertEquals(8080, options.port());
        assertEquals("127.0.0.1", options.host());
        assertEquals(Path.of("totpguard-data").toAbsolutePath(), options.dataDir());
        assertEquals(Path.of("totpguard-data-keys", "totpguard.key").toAbsolutePath(), options.keyFile(), "beside, not inside, the data");
        assertTrue(options.usesBuiltInDatabase());
        assertEquals("jdbc:h2:file:" + options.dataDir().resolve("totpguard"), options.effectiveJdbcUrl());
        assertEquals(List.of(), options.command());
    }

    @Test
    void flagsTakeTheirValueAfterASpaceOrAnEqualsSign() throws UsageException {
        LauncherOptions options = parse("--port", "0", "--data=/tmp/x", "--key-file", "/etc/k.key");
        assertEquals(0, options.port());
        assertEquals(Path.of("/tmp/x"), options.dataDir());
        assertEquals(Path.of("/etc/k.key"), options.keyFile());
    }

    @Test
    void theKeyFileFollowsTheDataDirectory() throws UsageException {
        assertEquals(Path.of("/srv/tg-keys/totpguard.key"), parse("--data", "/srv/tg").keyFile());
    }

    @Test
    void anExternalDatabaseReplacesH2AndItsPasswordMayComeFromTheEnvironment() throws UsageException {
        LauncherOptions options = LauncherOptions.parse(new String[] {"--jdbc-url", "jdbc:postgresql://db/app", "--jdbc-user", "app"},
                Map.of(LauncherOptions.JDBC_PASSWORD_ENV, "from-env"));
        assertEquals("jdbc:postgresql://db/app", options.effectiveJdbcUrl());
        assertEquals(Optional.of("app"), options.jdbcUser());
        assertEquals(Optional.of("from-env"), options.jdbcPassword());
        assertTrue(!options.toString().contains("from-env"), "toString leaves the password out");
    }

    @Test
    void adminCommandsTakeTheirWordsInOrderWithFlagsAnywhere() throws UsageException {
        LauncherOptions options = parse("admin", "--data", "/d", "add", "alice", "--name", "Alice Liddell", "--email", "alice@example.com");
        assertEquals(List.of("admin", "add", "alice"), options.command());
        assertEquals(Optional.of("Alice Liddell"), options.name());
        assertEquals(Optional.of("alice@example.com"), options.email());
        assertEquals(List.of("keys", "rotate"), parse("keys", "rotate").command());
        assertEquals(List.of("admin", "reset-2fa", "bob"), parse("admin", "reset-2fa", "bob").command());
    }

    @Test
    void helpWinsOverEverythingElse() throws UsageException {
        assertTrue(parse("admin", "--help").help());
        assertTrue(LauncherOptions.USAGE.contains("--port N"));
        assertTrue(LauncherOptions.USAGE.contains("admin reset-2fa USER"));
    }

    @Test
    void theServerRunsWithTotpGuardsFilterUnlessTheBenchmarkFlagIsGiven() throws UsageException {
        assertFalse(parse().withoutTotpFilter());
        assertFalse(parse("--port", "0").withoutTotpFilter());
        LauncherOptions options = parse("--benchmark-without-totp-filter", "--port", "0");
        assertTrue(options.withoutTotpFilter());
        assertEquals(0, options.port(), "the other flags are read as usual");
        assertTrue(options.toString().contains("withoutTotpFilter"), options.toString());
        assertTrue(parse("--host", "127.0.0.2", "--benchmark-without-totp-filter").withoutTotpFilter());
        assertTrue(parse("--host=::1", "--benchmark-without-totp-filter").withoutTotpFilter());
        assertTrue(LauncherOptions.USAGE.contains("--benchmark-without-totp-filter"));
        assertTrue(LauncherOptions.USAGE.contains("For benchmarks only"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "192.168.1.10", "localhost", "example.com", "127.0.0.1.example.com", "::"})
    void theBenchmarkFlagIsRefusedUnlessTheServerListensOnALoopbackAddress(String host) {
        UsageException error = assertThrows(UsageException.class, () -> parse("--host", host, "--benchmark-without-totp-filter"));
        assertTrue(error.getMessage().contains("needs a loopback --host"), error.getMessage());
    }

    @Test
    void theBenchmarkFlagTakesNoValueAndBelongsToTheServerOnly() {
        UsageException withValue = assertThrows(UsageException.class, () -> parse("--benchmark-without-totp-filter=true"));
        assertTrue(withValue.getMessage().contains("takes no value"), withValue.getMessage());
        UsageException withCommand = assertThrows(UsageException.class, () -> parse("--benchmark-without-totp-filter", "admin", "list"));
        assertTrue(withCommand.getMessage().contains("belongs to starting the server"), withCommand.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "http", "8080x", ""})
    void aPortOutsideZeroTo65535IsAUsageError(String port) {
        UsageException error = assertThrows(UsageException.class, () -> parse("--port", port));
        assertTrue(error.getMessage().contains("--port expects a number from 0 to 65535"), error.getMessage());
    }

    @Test
    void sessionsStayPerNodeUnlessSharedSessionsIsGiven() throws UsageException {
        LauncherOptions perNode = parse("--jdbc-url", "jdbc:postgresql://db/app");
        assertFalse(perNode.sharedSessions());
        LauncherOptions shared = parse("--jdbc-url", "jdbc:postgresql://db/app", "--shared-sessions");
        assertTrue(shared.sharedSessions());
        assertEquals("node0", shared.nodeName(), "Jetty's own default worker name");
        assertEquals("node2", parse("--shared-sessions", "--node-name=node2", "--jdbc-url=jdbc:mariadb://db/app").nodeName());
        assertTrue(parse("--shared-sessions", "--jdbc-url", "jdbc:h2:tcp://db:9092/app").sharedSessions(), "an H2 server is shared");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "jdbc:h2:file:/srv/tg/db", "jdbc:h2:mem:x", "jdbc:h2:~/tg"})
    void sharedSessionsAreRefusedWithADatabaseOnlyThisProcessOpens(String jdbcUrl) {
        String[] args = jdbcUrl.isEmpty() ? new String[] {"--shared-sessions"} : new String[] {"--shared-sessions", "--jdbc-url", jdbcUrl};
        UsageException error = assertThrows(UsageException.class, () -> parse(args));
        assertTrue(error.getMessage().contains("--shared-sessions needs a database that every node reaches"), error.getMessage());
    }

    @Test
    void sharedSessionsTakeNoValueBelongToTheServerAndTheNodeNameBelongsToThem() {
        assertTrue(assertThrows(UsageException.class, () -> parse("--shared-sessions=yes", "--jdbc-url", "jdbc:postgresql://db/app"))
                .getMessage().contains("takes no value"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--shared-sessions", "--jdbc-url", "jdbc:postgresql://db/app", "admin", "list"))
                .getMessage().contains("belongs to starting the server"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--node-name", "node1", "--jdbc-url", "jdbc:postgresql://db/app"))
                .getMessage().contains("belongs to --shared-sessions"));
        for (String bad : List.of("node.1", "", "a b", "x".repeat(33))) {
            assertTrue(assertThrows(UsageException.class, () -> parse("--shared-sessions", "--jdbc-url", "jdbc:postgresql://db/app",
                    "--node-name", bad)).getMessage().contains("letters and digits"), bad);
        }
    }

    @Test
    void unknownFlagsMissingValuesAndUnknownCommandsAreNamed() {
        assertTrue(assertThrows(UsageException.class, () -> parse("--prot", "80")).getMessage().contains("Unknown option --prot"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--port")).getMessage().contains("--port needs a value"));
        assertTrue(assertThrows(UsageException.class, () -> parse("serve")).getMessage().contains("Unknown command 'serve'"));
        assertTrue(assertThrows(UsageException.class, () -> parse("admin", "add")).getMessage().contains("admin add USER"));
        assertTrue(assertThrows(UsageException.class, () -> parse("keys", "list")).getMessage().contains("keys rotate"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--jdbc-url", "postgres://x")).getMessage().contains("JDBC URL"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--name", "x")).getMessage().contains("admin add USER"));
    }

    @Test
    void thePolicyFlagsBecomeTotpGuardsPolicyKeysAndAreLeftOutByDefault() throws UsageException {
        assertEquals(Map.of(), parse().policySettings(), "TOTP Guard's defaults: SHA1, 6 digits, 30 seconds, window 1");
        LauncherOptions options = parse("--algorithm", "sha256", "--digits=8", "--period", "60", "--window", "0");
        assertEquals(Map.of("totpguard.algorithm", "SHA256", "totpguard.digits", "8", "totpguard.period", "60",
                "totpguard.window", "0"), options.policySettings());
        assertEquals("SHA512", parse("--algorithm", "SHA512").policySettings().get("totpguard.algorithm"));
        assertEquals("3600", parse("--period", "3600").policySettings().get("totpguard.period"));
        assertEquals("10", parse("--window", "10").policySettings().get("totpguard.window"));
        assertEquals("30", parse("--trusted-browser-days", "30").policySettings().get("totpguard.trusted-browser.days"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--algorithm=MD5", "--algorithm=SHA384", "--algorithm=", "--algorithm=SHA-256",
            "--algorithm=HmacSHA256", "--digits=\uFF18", "--period=\u0664\u0665", "--window=\u0663", "--digits=5", "--digits=9",
            "--digits=six", "--period=0", "--period=3601", "--period=30s", "--period=-30", "--window=-1", "--window=11",
            "--window=1.5", "--trusted-browser-days=0", "--trusted-browser-days=91", "--trusted-browser-days=30d",
            "--grace-days=0", "--grace-days=91", "--grace-days=14d", "--grace-sign-ins=0", "--grace-sign-ins=101", "--grace-sign-ins=-1"})
    void aPolicyValueCoreWouldRefuseIsAUsageErrorNamingTheFlagAndTheValue(String arg) {
        UsageException e = assertThrows(UsageException.class, () -> parse(arg));
        String flag = arg.substring(0, arg.indexOf('='));
        String value = arg.substring(flag.length() + 1);
        assertTrue(e.getMessage().startsWith(flag + " expects "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", not '" + value + "'."), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void theGraceFlagsBecomeTotpGuardsGraceKeysApartFromThePolicy() throws UsageException {
        assertEquals(Map.of(), parse().graceSettings(), "no grace by default");
        LauncherOptions options = parse("--grace-days", "14", "--grace-sign-ins=5");
        assertEquals(Map.of("totpguard.enforcement.grace.days", "14", "totpguard.enforcement.grace.sign-ins", "5"), options.graceSettings());
        // The service's policy stays OPTIONAL: the grace belongs to the run-time setting "Require two-factor authentication".
        assertEquals(Map.of(), options.policySettings());
        assertEquals(Map.of("totpguard.enforcement.grace.sign-ins", "100"), parse("--grace-sign-ins", "100").graceSettings());
        assertEquals(Map.of("totpguard.enforcement.grace.days", "90"), parse("--grace-days", "90").graceSettings());
        for (String flag : List.of("--grace-days N", "--grace-sign-ins N")) {
            assertTrue(LauncherOptions.USAGE.contains("  " + flag), flag);
        }
    }

    @Test
    void aFlagGivenTwiceIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--window", "1", "--window", "10"));
        assertEquals("--window is given twice. Give it once.", e.getMessage());
        assertThrows(UsageException.class, () -> parse("--port=8080", "--port", "8081"));
        assertTrue(assertThrows(UsageException.class, () -> parse("--port", "\u0668\u0660"))
                .getMessage().startsWith("--port expects"));
    }

    @Test
    void helpListsThePolicyFlags() {
        for (String flag : List.of("--algorithm NAME", "--digits N", "--period SECONDS", "--window STEPS")) {
            assertTrue(LauncherOptions.USAGE.contains("  " + flag + " "), flag);
        }
        assertTrue(LauncherOptions.USAGE.contains("Microsoft Authenticator and Authy support only SHA1, 6 digits and 30 seconds"));
    }

    @Test
    void withoutSmtpHostNoMailIsSent() throws UsageException {
        assertEquals(Optional.empty(), parse().smtp());
        assertEquals(Optional.empty(), LauncherOptions.parse(new String[0], Map.of(LauncherOptions.SMTP_PASSWORD_ENV, "unused")).smtp(),
                "a password in the environment alone turns nothing on");
    }

    @Test
    void theSmtpFlagsNameServerSenderProtectionAndAccountWithThePasswordFromTheEnvironment() throws Exception {
        LauncherOptions.Smtp plain = parse("--smtp-host", "127.0.0.1", "--smtp-from", "totpguard@example.com").smtp().orElseThrow();
        assertEquals(25, plain.port());
        assertEquals(SmtpSettings.Security.NONE, plain.security());
        assertEquals(587, parse("--smtp-host=mail.example.com", "--smtp-from=a@example.com", "--smtp-starttls").smtp().orElseThrow().port());
        assertEquals(465, parse("--smtp-host=mail.example.com", "--smtp-from=a@example.com", "--smtp-tls").smtp().orElseThrow().port());

        LauncherOptions options = LauncherOptions.parse(new String[] {"--smtp-host", "mail.example.com", "--smtp-port", "2525",
                "--smtp-from", "totpguard@example.com", "--smtp-starttls", "--smtp-user", "mailer"},
                Map.of(LauncherOptions.SMTP_PASSWORD_ENV, "smtp-secret-from-env"));
        SmtpSettings settings = options.smtp().orElseThrow().settings();
        assertEquals(new SmtpSettings("mail.example.com", 2525, "totpguard@example.com", SmtpSettings.Security.STARTTLS,
                Optional.of("mailer"), Optional.of("smtp-secret-from-env")), settings);
        assertFalse(settings.toString().contains("smtp-secret") || options.smtp().toString().contains("smtp-secret")
                || options.toString().contains("smtp-secret"), "no password in toString");
        assertEquals("mail.example.com:2525 (STARTTLS) as mailer, from totpguard@example.com", options.smtp().orElseThrow().describe());
    }

    @Test
    void theSmtpPasswordComesFromTheFirstLineOfItsFile(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("smtp-password"), "from-the-file\n");
        LauncherOptions.Smtp smtp = parse("--smtp-host", "mail.example.com", "--smtp-from", "a@example.com", "--smtp-tls", "--smtp-user",
                "mailer", "--smtp-password-file", file.toString()).smtp().orElseThrow();
        assertEquals(Optional.of("from-the-file"), smtp.settings().password());

        Files.writeString(file, "");
        assertTrue(assertThrows(StartupException.class, smtp::settings).getMessage().contains("is empty"));
        Files.delete(file);
        StartupException missing = assertThrows(StartupException.class, smtp::settings);
        assertTrue(missing.getMessage().startsWith("Cannot read the SMTP password file " + file), missing.getMessage());
    }

    @Test
    void theSmtpTrustStoreIsReadAtTheStartWithItsPasswordFromTheEnvironment(@TempDir Path directory) throws Exception {
        ServerCertificate certificate = ServerCertificate.create(directory);
        String[] args = {"--smtp-host", "mail.example.com", "--smtp-from", "a@example.com", "--smtp-starttls", "--smtp-trust-store",
            certificate.trustStore().toString()};
        LauncherOptions.Smtp smtp = LauncherOptions.parse(args, Map.of(LauncherOptions.SMTP_TRUST_STORE_PASSWORD_ENV, ServerCertificate.PASSWORD))
                .smtp().orElseThrow();
        KeyStore trusted = smtp.settings().trustStore().orElseThrow();
        assertEquals(certificate.loadTrustStore().getCertificate("server"), trusted.getCertificate("server"));
        assertTrue(smtp.describe().endsWith(", trusting " + certificate.trustStore()), smtp.describe());
        assertFalse(smtp.toString().contains(ServerCertificate.PASSWORD) || smtp.settings().toString().contains(ServerCertificate.PASSWORD));

        StartupException wrongPassword = assertThrows(StartupException.class, () -> LauncherOptions.parse(args,
                Map.of(LauncherOptions.SMTP_TRUST_STORE_PASSWORD_ENV, "not-the-password")).smtp().orElseThrow().settings());
        assertTrue(wrongPassword.getMessage().startsWith("Cannot read the SMTP trust store " + certificate.trustStore()), wrongPassword.getMessage());
        assertTrue(wrongPassword.getMessage().contains(LauncherOptions.SMTP_TRUST_STORE_PASSWORD_ENV), wrongPassword.getMessage());

        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(certificate.trustStore())) {
            empty.store(out, ServerCertificate.PASSWORD.toCharArray());
        }
        StartupException noCertificate = assertThrows(StartupException.class, smtp::settings);
        assertTrue(noCertificate.getMessage().startsWith("The SMTP trust store holds no certificate: " + certificate.trustStore()),
                noCertificate.getMessage());

        Files.delete(certificate.trustStore());
        StartupException missing = assertThrows(StartupException.class, smtp::settings);
        assertTrue(missing.getMessage().startsWith("Cannot read the SMTP trust store " + certificate.trustStore()), missing.getMessage());
    }

    @Test
    void anSmtpPasswordOnTheCommandLineIsRefusedWithTheWaysThatWork() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--smtp-host", "h", "--smtp-from", "a@example.com",
                "--smtp-user", "u", "--smtp-password", "visible-in-ps"));
        assertTrue(e.getMessage().contains("--smtp-password-file") && e.getMessage().contains(LauncherOptions.SMTP_PASSWORD_ENV), e.getMessage());
        assertFalse(e.getMessage().contains("visible-in-ps"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--smtp-port=587|belongs to --smtp-host",
        "--smtp-host=h|needs --smtp-from",
        "--smtp-host=h --smtp-from=Eve <eve@example.com>|--smtp-from expects one plain e-mail address",
        "--smtp-host=h --smtp-from=a@example.com, b@example.com|--smtp-from expects one plain e-mail address",
        "--smtp-host=h --smtp-from=a@example.com\r\nBcc: b@example.com|--smtp-from expects one plain e-mail address",
        "--smtp-host=h --smtp-from=a@example.com --smtp-starttls --smtp-tls|not both",
        "--smtp-host=mail.example.com --smtp-from=a@example.com --smtp-user=u|--smtp-user sends a password",
        "--smtp-host=h --smtp-from=a@example.com --smtp-tls --smtp-user=u|needs its password in exactly one place",
        "--smtp-host=h --smtp-from=a@example.com --smtp-password-file=/p|belongs to --smtp-user",
        "--smtp-host=h --smtp-from=a@example.com --smtp-port=0|--smtp-port expects",
        "--smtp-host=h --smtp-from=a@example.com --smtp-tls=yes|takes no value",
        "--smtp-host=h --smtp-from=a@example.com --smtp-trust-store=/t.p12|says whom to trust over TLS: give --smtp-starttls or --smtp-tls"})
    void badSmtpFlagsAreUsageErrorsSayingWhatIsNeeded(String caseText) {
        String[] parts = caseText.split("\\|");
        String[] args = parts[0].replace("\\r", "\r").replace("\\n", "\n").split(" (?=--)");
        UsageException e = assertThrows(UsageException.class, () -> parse(args));
        assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line: " + e.getMessage());
    }

    @Test
    void aPasswordInTheFileAndTheEnvironmentIsAUsageError(@TempDir Path directory) {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse(new String[] {"--smtp-host", "h",
                "--smtp-from", "a@example.com", "--smtp-tls", "--smtp-user", "u", "--smtp-password-file", directory.resolve("p").toString()},
                Map.of(LauncherOptions.SMTP_PASSWORD_ENV, "x")));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void helpListsTheSmtpFlags() {
        for (String flag : List.of("--smtp-host HOST", "--smtp-port N", "--smtp-from ADDRESS", "--smtp-starttls", "--smtp-tls",
                "--smtp-user USER", "--smtp-password-file PATH", LauncherOptions.SMTP_PASSWORD_ENV, "--smtp-trust-store PATH",
                LauncherOptions.SMTP_TRUST_STORE_PASSWORD_ENV)) {
            assertTrue(LauncherOptions.USAGE.contains(flag), flag);
        }
    }
}
