package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TotpVerifiedPrincipal;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.store.JdbcCredentialStore;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.URIParameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.eclipse.jetty.security.jaas.JAASLoginService;
import org.eclipse.jetty.security.jaas.callback.AbstractCallbackHandler;
import org.eclipse.jetty.security.jaas.callback.ObjectCallback;
import org.eclipse.jetty.security.jaas.callback.RequestParameterCallback;
import org.eclipse.jetty.security.jaas.spi.PropertyFileLoginModule;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The login module through a plain {@link LoginContext} and a programmatic {@link Configuration}. */
class TotpLoginModuleTest {

    @TempDir
    static Path dir;
    static TestStore store;
    static JAASLoginService jetty;

    @BeforeAll
    static void createStoreAndUsers() throws Exception {
        store = TestStore.create(dir);
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "oscar", "peggy")) {
            store.addUser(user, user + "-pw", "admin");
        }
        store.addUser("newbie", "newbie-pw", "admin");
        // Jetty's PropertyFileLoginModule reads plain "user: password, roles" lines through its JAASLoginService.
        Path jettyUsers = dir.resolve("jetty-users.properties");
        Files.writeString(jettyUsers, "alice: alice-pw, admin\nbob: bob-pw, admin\nnewbie: newbie-pw, admin\nkate: kate-pw, admin\n");
        jetty = new JAASLoginService("jetty");
        jetty.start();
        System.setProperty("test.jetty.users", jettyUsers.toString());
    }

    @AfterAll
    static void close() throws Exception {
        jetty.stop();
        store.close();
        TotpLoginModule.closeSharedServices();
    }

    static Configuration configuration(AppConfigurationEntry... entries) {
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return entries;
            }
        };
    }

    static AppConfigurationEntry totp(LoginModuleControlFlag flag, Map<String, ?> options) {
        return new AppConfigurationEntry(TotpLoginModule.class.getName(), flag, options);
    }

    static Map<String, Object> standalone(String... extra) {
        Map<String, Object> options = new HashMap<>(store.standaloneOptions());
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        return options;
    }

    static Map<String, Object> stacked(String... extra) {
        Map<String, Object> options = new HashMap<>(store.settings());
        options.put(TotpGuardSettings.JAAS_MODE, "stacked");
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        return options;
    }

    /** Answers like a login form: name, password, and (if given) the code through {@link TotpCallback}. */
    static CallbackHandler answers(String name, String password, String code) {
        return callbacks -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback) {
                    ((NameCallback) callback).setName(name);
                } else if (callback instanceof PasswordCallback) {
                    ((PasswordCallback) callback).setPassword(password == null ? null : password.toCharArray());
                } else if (callback instanceof TotpCallback && code != null) {
                    ((TotpCallback) callback).setCode(code.toCharArray());
                } else if (!(callback instanceof org.eclipse.jetty.security.jaas.callback.ObjectCallback)) {
                    // Jetty's ObjectCallback is left empty so its module falls back to the PasswordCallback.
                    throw new UnsupportedCallbackException(callback);
                }
            }
        };
    }

    static Subject login(Configuration configuration, CallbackHandler handler) throws LoginException {
        Subject subject = new Subject();
        JAASLoginService.INSTANCE.set(jetty);
        try {
            new LoginContext("test", subject, handler, configuration).login();
        } finally {
            JAASLoginService.INSTANCE.remove();
        }
        return subject;
    }

    static Set<String> names(Subject subject, Class<? extends Principal> type) {
        return subject.getPrincipals(type).stream().map(Principal::getName).collect(Collectors.toSet());
    }

    /** Spellings of {@code admin} that case- and accent-insensitive directories accept for that account. */
    static final List<String> SPELLINGS_OF_ADMIN = List.of("ADMIN", "Admin", "ádmin", "admın", "ＡＤＭＩＮ", " admin ");

    static Configuration caseInsensitiveStandalone(boolean echoTypedName) {
        // Each test makes three attempts per spelling, all one account name to the password limit: raised above them.
        Map<String, Object> options = standalone(TotpGuardSettings.PASSWORD_ACCOUNT_ATTEMPTS, "100");
        options.put(TotpLoginModule.VERIFIER_OPTION, new CaseInsensitivePasswords(Map.of("admin", "admin-pw"), echoTypedName));
        return configuration(totp(LoginModuleControlFlag.REQUIRED, options));
    }

    @Test
    void otherSpellingsLogInAsTheStoredAccountAndOnlyWithItsCode() throws Exception {
        TestStore.Enrolled admin = store.enrollOnce("admin");
        Configuration config = caseInsensitiveStandalone(false);

        for (String spelling : SPELLINGS_OF_ADMIN) {
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "admin-pw", null)), spelling);
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "admin-pw", admin.wrongCode())), spelling);
            Subject subject = login(config, answers(spelling, "admin-pw", admin.nextCode()));
            assertEquals(Set.of("admin"), names(subject, UserPrincipal.class), spelling);
            assertEquals(Set.of("admin"), names(subject, TotpVerifiedPrincipal.class), spelling);
        }
    }

    @Test
    void otherSpellingsEchoedByTheSourceAreRefusedEvenWithTheAccountsCodeAndNeverSentToEnroll() throws Exception {
        TestStore.Enrolled admin = store.enrollOnce("admin");
        Configuration config = caseInsensitiveStandalone(true);
        String code = admin.nextCode();

        for (String spelling : SPELLINGS_OF_ADMIN) {
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "admin-pw", code)), spelling);
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "admin-pw", null)), spelling);
        }
        assertTrue(store.node().status("admin").isActive());
        // The aliases never reached the code check: the code is still unused for the account itself.
        assertEquals(Set.of("admin"), names(login(config, answers("admin", "admin-pw", code)), TotpVerifiedPrincipal.class));
    }

    @Test
    void stackedAfterACaseInsensitiveModuleOtherSpellingsAreRefusedAndNeverSentToEnroll() throws Exception {
        TestStore.Enrolled admin = store.enrollOnce("admin");
        AppConfigurationEntry password = new AppConfigurationEntry(CaseInsensitivePasswords.Module.class.getName(),
                LoginModuleControlFlag.REQUIRED, Map.of("users", new CaseInsensitivePasswords(Map.of("admin", "admin-pw"), true)));
        Configuration config = configuration(password,
                totp(LoginModuleControlFlag.REQUIRED, stacked()));
        String code = admin.nextCode();

        for (String spelling : SPELLINGS_OF_ADMIN) {
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "admin-pw", code)), spelling);
        }
        assertEquals(Set.of("admin"), names(login(config, answers("admin", "admin-pw", code)), TotpVerifiedPrincipal.class));
    }

    @Test
    void stackedWithAnAccountQueryOtherSpellingsAreAskedForTheAccountsOwnCodeAndNeverLetInWithoutIt() throws Exception {
        TestStore.Enrolled root = store.enroll("root");
        // The user table the password module reads, in a deliberately case-insensitive column (like MariaDB's
        // default collation), in the store's own H2 database.
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(
                store.settings().get(TotpGuardSettings.JDBC_URL), "sa", "");
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE jaasenroll_accounts (username VARCHAR_IGNORECASE(64) PRIMARY KEY)");
            statement.execute("INSERT INTO jaasenroll_accounts VALUES ('root')");
        }
        AppConfigurationEntry password = new AppConfigurationEntry(CaseInsensitivePasswords.Module.class.getName(),
                LoginModuleControlFlag.REQUIRED, Map.of("users", new CaseInsensitivePasswords(Map.of("root", "root-pw"), true)));
        Configuration config = configuration(password, totp(LoginModuleControlFlag.REQUIRED, stacked(
                TotpGuardSettings.ACCOUNT_QUERY, "SELECT username FROM jaasenroll_accounts WHERE username = ?")));

        for (String spelling : List.of("ROOT", "Root", "rOoT")) {
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "root-pw", null)), spelling);
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "root-pw", root.wrongCode())), spelling);
            Subject subject = login(config, answers(spelling, "root-pw", root.nextCode()));
            assertEquals(Set.of("root"), names(subject, TotpVerifiedPrincipal.class), spelling);
        }
        // Spellings the table does not map to the account are refused, even with the account's code.
        for (String spelling : List.of(" root", "root ", "rööt", "ＲＯＯＴ")) {
            String code = root.nextCode();
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "root-pw", code)), spelling);
            assertThrows(FailedLoginException.class, () -> login(config, answers(spelling, "root-pw", null)), spelling);
        }
        assertTrue(store.node().status("root").isActive());
        assertFalse(store.node().status("root").hasPendingEnrollment(), "no second secret was started");
    }

    @Test
    void rightPasswordAndCodeGiveUserRolesAndVerifiedPrincipal() throws Exception {
        TestStore.Enrolled alice = store.enroll("alice");
        Subject subject = login(configuration(totp(LoginModuleControlFlag.REQUIRED, standalone())),
                answers("alice", "alice-pw", alice.nextCode()));
        assertEquals(Set.of("alice"), names(subject, UserPrincipal.class));
        assertEquals(Set.of("admin"), names(subject, RolePrincipal.class));
        assertEquals(Set.of("alice"), names(subject, TotpVerifiedPrincipal.class));
    }

    @Test
    void wrongPasswordWrongCodeMissingCodeAndUnknownUserFailWithOneMessage() throws Exception {
        TestStore.Enrolled bob = store.enroll("bob");
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED, standalone()));
        List<CallbackHandler> attempts = List.of(
                answers("bob", "wrong-pw", bob.nextCode()),
                answers("bob", "bob-pw", bob.wrongCode()),
                answers("bob", "bob-pw", null),
                answers("bob", "bob-pw", "12345x"),
                answers("mallory", "bob-pw", bob.nextCode()),
                answers(null, null, null));
        for (CallbackHandler attempt : attempts) {
            FailedLoginException e = assertThrows(FailedLoginException.class, () -> login(config, attempt));
            assertEquals(TotpLoginModule.FAILED, e.getMessage());
        }
        // The code of the wrong-password attempt was not consumed: a wrong password never reaches the code check.
        String untouched = bob.lastCode();
        assertEquals(Set.of("bob"), names(login(config, answers("bob", "bob-pw", untouched)), UserPrincipal.class));
    }

    @Test
    void replayedCodeIsRefusedOnThisAndOnAnotherNode() throws Exception {
        TestStore.Enrolled carol = store.enroll("carol");
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED, standalone()));
        String code = carol.nextCode();
        login(config, answers("carol", "carol-pw", code));
        assertThrows(FailedLoginException.class, () -> login(config, answers("carol", "carol-pw", code)));

        String usedElsewhere = carol.nextCode();
        assertTrue(store.node().verify("carol", usedElsewhere, null).isAccepted());
        assertThrows(FailedLoginException.class, () -> login(config, answers("carol", "carol-pw", usedElsewhere)));
    }

    @Test
    void wrongCodesLockTheAccountWhateverPasswordIsTypedAfterwards() throws Exception {
        TestStore.Enrolled dave = store.enroll("dave");
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED, standalone()));
        for (int i = 0; i < TestStore.LOCKOUT_FAILURES; i++) {
            assertThrows(LoginException.class, () -> login(config, answers("dave", "dave-pw", dave.wrongCode())));
        }
        assertThrows(AccountLockedException.class, () -> login(config, answers("dave", "dave-pw", dave.nextCode())));
        // Same answer with a wrong password: a locked account must not become a password oracle.
        assertThrows(AccountLockedException.class, () -> login(config, answers("dave", "nope", dave.nextCode())));
    }

    @Test
    void fiveTriesOfACandidatePasswordAndAProbeConfirmNothing() throws Exception {
        // Issue 13 item 1: oscar's password is the candidate; for peggy it is wrong. Before, only oscar's tries counted
        // (codes after a right password), so only oscar's probe answered "locked": the lock confirmed the password.
        TestStore.Enrolled oscar = store.enroll("oscar");
        TestStore.Enrolled peggy = store.enroll("peggy");
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED, standalone()));
        for (int i = 0; i < TestStore.LOCKOUT_FAILURES; i++) {
            assertThrows(FailedLoginException.class, () -> login(config, answers("oscar", "oscar-pw", oscar.wrongCode())));
            assertThrows(FailedLoginException.class, () -> login(config, answers("peggy", "oscar-pw", peggy.wrongCode())));
        }

        LoginException oscarProbe = assertThrows(LoginException.class, () -> login(config, answers("oscar", "oscar-pw", oscar.nextCode())));
        LoginException peggyProbe = assertThrows(LoginException.class, () -> login(config, answers("peggy", "oscar-pw", peggy.nextCode())));
        assertEquals(oscarProbe.getClass(), peggyProbe.getClass());
        assertEquals(oscarProbe.getMessage(), peggyProbe.getMessage());
        assertTrue(peggyProbe instanceof AccountLockedException, "wrong passwords lock as wrong codes do");
        // And guessing stops: peggy's right password and code are refused too until the lock ends.
        assertThrows(AccountLockedException.class, () -> login(config, answers("peggy", "peggy-pw", peggy.nextCode())));
    }

    @Test
    void recoveryCodeLogsInOnce() throws Exception {
        TestStore.Enrolled erin = store.enroll("erin");
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED, standalone()));
        Subject subject = login(config, answers("erin", "erin-pw", erin.recoveryCode()));
        assertEquals(Set.of("erin"), names(subject, TotpVerifiedPrincipal.class));
        assertThrows(FailedLoginException.class, () -> login(config, answers("erin", "erin-pw", erin.recoveryCode())));
    }

    @Test
    void userWithoutTotpIsRefusedAndNotEnrolledEnrollNoLongerLetsAnyoneIn() throws Exception {
        assertThrows(FailedLoginException.class, () -> login(configuration(totp(LoginModuleControlFlag.REQUIRED,
                standalone())), answers("newbie", "newbie-pw", "123456")));
        assertThrows(FailedLoginException.class, () -> login(configuration(totp(LoginModuleControlFlag.REQUIRED,
                standalone())), answers("newbie", "newbie-pw", null)));
        // It let an unenrolled user into every application of the realm with the password alone: now a start-up error.
        for (Map<String, Object> options : List.of(standalone(TotpGuardSettings.JAAS_NOT_ENROLLED, "enroll"),
                stacked(TotpGuardSettings.JAAS_NOT_ENROLLED, "enroll"))) {
            Subject subject = new Subject();
            LoginException e = assertThrows(LoginException.class, () -> new LoginContext("test", subject,
                    answers("newbie", "newbie-pw", null), configuration(totp(LoginModuleControlFlag.REQUIRED, options))).login());
            assertFalse(e instanceof FailedLoginException);
            assertTrue(e.getMessage().contains("EnrollCommand"), e.getMessage());
            assertTrue(subject.getPrincipals().isEmpty());
        }
    }

    @Test
    void accountQueryIsRefusedWhereTheModuleChecksThePasswordItself() {
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED,
                standalone(TotpGuardSettings.ACCOUNT_QUERY, "SELECT username FROM users WHERE username = ?")));
        LoginException e = assertThrows(LoginException.class, () -> login(config, answers("alice", "alice-pw", "123456")));
        assertTrue(e.getMessage().contains(TotpGuardSettings.ACCOUNT_QUERY + " = 'SELECT username FROM users WHERE username = ?'"
                + " is invalid: expected unset here"), e.getMessage());
    }

    @Test
    void stackedBehindJettysPropertyFileLoginModuleChecksOnlyTheCode() throws Exception {
        TestStore.Enrolled alice = store.enroll("alice");
        AppConfigurationEntry password = new AppConfigurationEntry(PropertyFileLoginModule.class.getName(),
                LoginModuleControlFlag.REQUIRED, Map.of("file", System.getProperty("test.jetty.users")));
        Configuration config = configuration(password, totp(LoginModuleControlFlag.REQUIRED, stacked()));

        Subject subject = login(config, answers("alice", "alice-pw", alice.nextCode()));
        assertEquals(Set.of("alice"), names(subject, TotpVerifiedPrincipal.class));
        assertTrue(names(subject, UserPrincipal.class).isEmpty(), "the user principal is the password module's");

        assertThrows(FailedLoginException.class, () -> login(config, answers("alice", "alice-pw", alice.wrongCode())));
        String code = alice.nextCode();
        assertThrows(FailedLoginException.class, () -> login(config, answers("alice", "wrong", code)));
        // Checked in commit(), which JAAS skips after the wrong password: the code is still unused.
        login(config, answers("alice", "alice-pw", code));
    }

    @Test
    void readmesJettyEntryReadFromAJaasConfFileGetsTheFormFieldThroughTheJdksWrappedHandler() throws Exception {
        TestStore.Enrolled kate = store.enroll("kate");
        Path jaasConf = ReadmeJaasConf.write(store);
        // What Jetty's jaas module does: java.security.auth.login.config names a file, the default Configuration
        // reads it, and LoginContext then wraps the handler in its SecureCallbackHandler (it does not wrap it
        // when a Configuration is passed in, as the other tests here do).
        Configuration previous = Configuration.getConfiguration();
        Configuration.setConfiguration(Configuration.getInstance("JavaLoginConfig", new URIParameter(jaasConf.toUri())));
        JAASLoginService.INSTANCE.set(jetty);
        try {
            String code = kate.nextCode();
            Subject subject = new Subject();
            new LoginContext("TotpGuardJetty", subject, jettyForm("kate", "kate-pw", code)).login();
            assertEquals(Set.of("kate"), names(subject, TotpVerifiedPrincipal.class));

            assertThrows(FailedLoginException.class,
                    () -> new LoginContext("TotpGuardJetty", new Subject(), jettyForm("kate", "kate-pw", code)).login(),
                    "replayed code");
            assertThrows(FailedLoginException.class,
                    () -> new LoginContext("TotpGuardJetty", new Subject(), jettyForm("kate", "kate-pw", null)).login(),
                    "password alone");
        } finally {
            JAASLoginService.INSTANCE.remove();
            Configuration.setConfiguration(previous);
        }
    }

    /** Jetty's form login as its JAASLoginService sees it: name, password, and request parameter j_totp. */
    static CallbackHandler jettyForm(String name, String password, String code) {
        return new AbstractCallbackHandler() {
            @Override
            public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback) {
                        ((NameCallback) callback).setName(name);
                    } else if (callback instanceof PasswordCallback) {
                        ((PasswordCallback) callback).setPassword(password.toCharArray());
                    } else if (callback instanceof RequestParameterCallback) {
                        RequestParameterCallback parameter = (RequestParameterCallback) callback;
                        parameter.setParameterValues("j_totp".equals(parameter.getParameterName()) && code != null
                                ? List.of(code) : null);
                    } else if (!(callback instanceof ObjectCallback)) {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            }
        };
    }

    @Test
    void appendedCodeWithSeparatorOrAsBareDigits() throws Exception {
        TestStore.Enrolled frank = store.enroll("frank");
        Configuration separated = configuration(totp(LoginModuleControlFlag.REQUIRED,
                standalone(TotpGuardSettings.JAAS_CODE_SOURCE, "appended")));
        Configuration bare = configuration(totp(LoginModuleControlFlag.REQUIRED,
                standalone(TotpGuardSettings.JAAS_CODE_SOURCE, "appended", TotpGuardSettings.JAAS_CODE_SEPARATOR, "none")));
        assertEquals(Set.of("frank"), names(login(separated, answers("frank", "frank-pw:" + frank.nextCode(), null)),
                TotpVerifiedPrincipal.class));
        assertEquals(Set.of("frank"), names(login(bare, answers("frank", "frank-pw" + frank.nextCode(), null)),
                TotpVerifiedPrincipal.class));
        assertThrows(FailedLoginException.class, () -> login(separated, answers("frank", "frank-pw", null)));
        assertThrows(FailedLoginException.class, () -> login(separated, answers("frank", "frank-pw:" + frank.wrongCode(), null)));
    }

    @Test
    void forwardPassHandsOnThePasswordWithoutTheCode() throws Exception {
        TestStore.Enrolled grace = store.enroll("grace");
        Map<String, Object> shared = new HashMap<>();
        LoginModule module = new TotpLoginModule();
        module.initialize(new Subject(), answers("grace", "grace-pw:" + grace.nextCode(), null), shared,
                stacked(TotpGuardSettings.JAAS_CODE_SOURCE, "appended", TotpGuardSettings.JAAS_FORWARD_PASS, "true"));
        assertTrue(module.login());
        assertEquals("grace", shared.get("javax.security.auth.login.name"));
        assertArrayEquals("grace-pw".toCharArray(), (char[]) shared.get("javax.security.auth.login.password"));
        assertTrue(module.commit());
    }

    @Test
    void useFirstPassTakesSharedStateOnlyAndTryFirstPassFallsBackToTheHandler() throws Exception {
        TestStore.Enrolled heidi = store.enroll("heidi");
        Map<String, Object> shared = new HashMap<>(Map.of("javax.security.auth.login.name", "heidi",
                "javax.security.auth.login.password", "wrong".toCharArray()));
        LoginModule use = new TotpLoginModule();
        use.initialize(new Subject(), answers("heidi", "heidi-pw", heidi.nextCode()), shared, standalone("use_first_pass", "true"));
        assertThrows(FailedLoginException.class, use::login);

        LoginModule tryFirst = new TotpLoginModule();
        tryFirst.initialize(new Subject(), answers("heidi", "heidi-pw", heidi.lastCode()), shared,
                standalone("try_first_pass", "true"));
        assertTrue(tryFirst.login());
    }

    @Test
    void commitAfterAFailedLoginAddsNoPrincipalAndAbortAndLogoutClearState() throws Exception {
        TestStore.Enrolled ivan = store.enroll("ivan");
        Subject subject = new Subject();
        LoginModule module = new TotpLoginModule();
        module.initialize(subject, answers("ivan", "wrong", ivan.nextCode()), new HashMap<>(), standalone());
        assertThrows(FailedLoginException.class, module::login);
        assertFalse(module.commit());
        assertTrue(subject.getPrincipals().isEmpty());
        assertFalse(module.abort());

        LoginModule good = new TotpLoginModule();
        good.initialize(subject, answers("ivan", "ivan-pw", ivan.lastCode()), new HashMap<>(), standalone());
        assertTrue(good.login());
        assertTrue(good.abort(), "abort after a successful login phase");
        assertFalse(good.commit(), "nothing left to commit after abort");
        assertTrue(subject.getPrincipals().isEmpty());

        LoginModule committed = new TotpLoginModule();
        subject.getPrincipals().add(new UserPrincipal("someone-elses"));
        committed.initialize(subject, answers("ivan", "ivan-pw", ivan.nextCode()), new HashMap<>(), standalone());
        assertTrue(committed.login());
        assertTrue(committed.commit());
        assertEquals(Set.of("ivan"), names(subject, TotpVerifiedPrincipal.class));
        assertTrue(committed.logout());
        assertEquals(Set.of("someone-elses"), names(subject, UserPrincipal.class), "logout removes only its own");
        assertTrue(names(subject, TotpVerifiedPrincipal.class).isEmpty());
        assertFalse(committed.commit(), "no state survives logout");
    }

    @Test
    void deadStoreFailsClosedWithAPlainLoginException() throws Exception {
        TestStore.Enrolled judy = store.enroll("judy");
        JdbcDataSource dead = new JdbcDataSource();
        dead.setURL("jdbc:h2:mem:no-such-database;IFEXISTS=TRUE");
        TwoFactorService down = TwoFactorService.builder()
                .store(JdbcCredentialStore.builder(dead).database(JdbcCredentialStore.Database.H2).build())
                .keyRing(KeyRing.fromKeyFile(Path.of(store.settings().get(TotpGuardSettings.KEY_FILE)))).build();
        Map<String, Object> options = standalone();
        options.put(TotpLoginModule.SERVICE_OPTION, down);
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED, options));
        for (String password : List.of("judy-pw", "wrong")) {
            LoginException e = assertThrows(LoginException.class, () -> login(config, answers("judy", password, judy.nextCode())));
            assertFalse(e instanceof FailedLoginException);
            assertEquals(TotpLoginModule.UNAVAILABLE, e.getMessage());
        }
    }

    @Test
    void badOptionIsReportedByNameWithoutAStackTrace() {
        Configuration config = configuration(totp(LoginModuleControlFlag.REQUIRED,
                standalone(TotpGuardSettings.JAAS_CODE_SOURCE, "header")));
        LoginException e = assertThrows(LoginException.class, () -> login(config, answers("alice", "alice-pw", "123456")));
        assertTrue(e.getMessage().contains("totpguard.jaas.code.source = 'header' is invalid: expected callback or appended"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\tat "), e.getMessage());
    }

    @Test
    void moduleLoadsAndLogsInWhereJettysClassesAreAbsent() throws Exception {
        TestStore.Enrolled alice = store.enroll("alice");
        URL[] urls = {location(TotpLoginModule.class), location(TwoFactorService.class),
                location(org.apache.commons.codec.binary.Base32.class), location(com.google.zxing.BarcodeFormat.class),
                location(com.zaxxer.hikari.HikariDataSource.class), location(org.h2.Driver.class),
                location(org.slf4j.Logger.class)};
        try (URLClassLoader tomcatLike = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("org.eclipse.jetty.security.jaas.callback.RequestParameterCallback", false, tomcatLike));
            // As in a servlet container, the JDBC driver registers itself from the loader that holds it.
            Class.forName("org.h2.Driver", true, tomcatLike);
            LoginModule module = (LoginModule) Class.forName(TotpLoginModule.class.getName(), true, tomcatLike)
                    .getConstructor().newInstance();
            String code = alice.nextCode();
            CallbackHandler handler = callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback) {
                        ((NameCallback) callback).setName("alice");
                    } else if (callback instanceof PasswordCallback) {
                        ((PasswordCallback) callback).setPassword("alice-pw".toCharArray());
                    } else {
                        try {
                            callback.getClass().getMethod("setCode", char[].class).invoke(callback, (Object) code.toCharArray());
                        } catch (ReflectiveOperationException e) {
                            throw new UnsupportedCallbackException(callback);
                        }
                    }
                }
            };
            Subject subject = new Subject();
            module.initialize(subject, handler, new HashMap<>(), standalone());
            assertTrue(module.login());
            assertTrue(module.commit());
            assertEquals(3, subject.getPrincipals().size());
            assertInstanceOf(Principal.class, subject.getPrincipals().iterator().next());
            module.logout();
            tomcatLike.loadClass(TotpLoginModule.class.getName()).getMethod("closeSharedServices").invoke(null);
        }
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
