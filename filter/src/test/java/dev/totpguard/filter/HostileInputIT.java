package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.LogCapture;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input against the real filter over HTTP, on Jetty 12 and Tomcat 11 at once (attack cases 3, 22,
 * 23, 25 of the security requirements): malformed and foreign codes in every body shape, hostile user
 * names at the container's FORM login, CSRF and cross-origin posts on every state-changing form, and return
 * targets that try to leave the origin. Each must end in a 4xx or a plain page, never a 5xx and never an
 * acceptance, with the stored state unchanged ({@code TwoFactorService.status}, and the right code still
 * usable afterwards, so nothing was consumed). Everything the server logs meanwhile is captured and must
 * hold no secret, otpauth URI, code or recovery code. Session fixation is {@code TotpFilterContract}'s
 * {@code theSessionIdChangesAfterThePasswordAndAgainAfterTheCode}, on both application.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

    private static final String TOKEN = "/totpguard/token";
    private static final java.util.regex.Pattern STACK_FRAME = java.util.regex.Pattern.compile("at [\\w$.]+\\([\\w$]+\\.java:\\d+\\)");

    private GuardedApplication application;
    private TwoFactorFixture fixture;
    private LogCapture log;
    /** Every code and recovery code that was valid during the test: none may appear in a log. */
    private final Set<String> sensitive = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void start() throws Exception {
        log = LogCapture.start();
        application = GuardedApplication.onJettyAndTomcat(() -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED),
                GuardedApplication.withFilter(WebContainer.TEST_WEBAPP)).start();
        fixture = application.fixture();
    }

    @AfterAll
    void stop() throws Exception {
        if (application != null) {
            application.close();
        }
        if (log != null) {
            log.close();
        }
    }

    @AfterEach
    void nothingSensitiveWasLogged() {
        List<String> all = new ArrayList<>(sensitive);
        all.addAll(fixture.secretsBase32());
        List<String> leaks = log.leaks(all);
        assertTrue(leaks.isEmpty(), () -> "logged: " + leaks);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private String enrolledUser() throws Exception {
        String user = application.newUser("user");
        List<String> recovery = fixture.enroll(user);
        sensitive.addAll(recovery);
        return user;
    }

    private String code(String user) {
        String code = fixture.code(user);
        sensitive.add(code);
        return code;
    }

    /** Password only: the browser's session is half-authenticated, waiting for the code. */
    private Browser halfway(WebContainer container, String user) {
        Browser browser = new Browser(container.base());
        Login.passwordOnly(browser, "/admin/x", user, TOKEN);
        return browser;
    }

    private Browser verified(WebContainer container, String user) {
        Browser browser = halfway(container, user);
        Response accepted = Login.submitCode(browser, code(user));
        assertEquals(303, accepted.status(), accepted::toString);
        fixture.nextStep();
        return browser;
    }

    /** A refusal: a 4xx or a plain 200 page; never a 5xx, never a redirect into the application, never content. */
    private static void assertPlainRefusal(Response response, String what) {
        assertTrue(response.status() < 500, () -> what + ": server error " + response);
        assertFalse(response.body().contains(AdminServlet.MARKER), () -> what + ": content leaked " + response);
        assertFalse(response.isRedirect() && response.location().getPath().contains("/admin"),
                () -> what + ": accepted " + response);
        // Stack frames, not the container's own 400 page naming its parser exception (Jetty's default error page).
        assertFalse(STACK_FRAME.matcher(response.body()).find(), () -> what + ": stack trace shown " + response);
    }

    private static void assertSameState(TwoFactorStatus before, TwoFactorStatus after, String what) {
        assertEquals(before.state(), after.state(), what);
        assertEquals(before.confirmedAt(), after.confirmedAt(), what);
        assertEquals(before.recoveryCodesRemaining(), after.recoveryCodesRemaining(), what);
    }

    private static String inScript(String code, char zero) {
        StringBuilder out = new StringBuilder();
        for (char c : code.toCharArray()) {
            out.append((char) (zero + (c - '0')));
        }
        return out.toString();
    }

    // ---- codes ------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void hostileCodesAreRefusedPlainlyAndConsumeNothing(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String user = enrolledUser();
        Browser browser = halfway(container, user);
        String csrf = browser.get(TOKEN).csrf();
        TwoFactorStatus before = fixture.service().status(user);
        String right = code(user);

        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("empty", "");
        codes.put("5 digits", right.substring(1));
        codes.put("7 digits", right + "0");
        codes.put("letters", "abcdef");
        codes.put("123 456", "123 456".equals(right.substring(0, 3) + " " + right.substring(3)) ? "654 321" : "123 456");
        codes.put("Arabic-Indic digits of the right code", inScript(right, '\u0660'));
        codes.put("Devanagari digits of the right code", inScript(right, '\u0966'));
        codes.put("full-width digits of the right code", inScript(right, '\uff10'));
        codes.put("null byte inside the right code", right.substring(0, 3) + "\u0000" + right.substring(3));
        codes.put("null byte after the right code", right + "\u0000");
        codes.put("right code with a trailing newline", right + "\n");
        codes.put("1 MB of digits", "1".repeat(1 << 20));
        codes.put("1 MB of the right code", right.repeat((1 << 20) / 6));
        for (Map.Entry<String, String> hostile : codes.entrySet()) {
            Response response = browser.post("/totpguard/verify", Map.of("totpguard_csrf", csrf, "code", hostile.getValue()));
            assertPlainRefusal(response, hostile.getKey());
            if (hostile.getKey().startsWith("1 MB")) {
                assertEquals(413, response.status(), () -> hostile.getKey() + ": " + response);
            }
            assertSameState(before, fixture.service().status(user), hostile.getKey());
            fixture.service().unlock(user, "test");
        }

        String wrong = fixture.wrongCode(user);
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("application/x-www-form-urlencoded;repeated",
                ("totpguard_csrf=" + csrf + "&code=" + wrong + "&code=" + fixture.wrongCode(user).replace('0', '1')).getBytes(StandardCharsets.US_ASCII));
        bodies.put("application/x-www-form-urlencoded;overlong-utf8",
                ("totpguard_csrf=" + csrf + "&code=%C0%B0%C0%B1" + wrong.substring(2)).getBytes(StandardCharsets.US_ASCII));
        bodies.put("application/x-www-form-urlencoded;bad-escape",
                ("totpguard_csrf=" + csrf + "&code=%ZZ" + wrong).getBytes(StandardCharsets.US_ASCII));
        bodies.put("application/json",
                ("{\"totpguard_csrf\":\"" + csrf + "\",\"code\":\"" + wrong + "\"}").getBytes(StandardCharsets.UTF_8));
        String boundary = "----totpguard" + System.nanoTime();
        bodies.put("multipart/form-data; boundary=" + boundary, ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"totpguard_csrf\"\r\n\r\n"
                + csrf + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n" + wrong + "\r\n--"
                + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
            String contentType = body.getKey().replace(";repeated", "").replace(";overlong-utf8", "").replace(";bad-escape", "");
            Response response = browser.postBody("/totpguard/verify", contentType, body.getValue(), Map.of());
            assertPlainRefusal(response, body.getKey());
            assertSameState(before, fixture.service().status(user), body.getKey());
            fixture.service().unlock(user, "test");
        }

        // The capture sees the server's records (so the leak check of @AfterEach can fail): the refusals were audited.
        assertTrue(log.records().stream().anyMatch(r -> r.contains("CODE_REFUSED") && r.contains("\"" + user + "\"")),
                () -> "no audit record captured for " + user);

        // Nothing above used up the step: the right code still gets in.
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", csrf, "code", right));
        assertEquals(303, accepted.status(), accepted::toString);
        assertTrue(browser.follow(accepted).body().contains(AdminServlet.MARKER));
        fixture.nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aChunkedBodyIsHeldToTheSameBoundAsADeclaredOne(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String user = enrolledUser();
        Browser browser = halfway(container, user);
        String csrf = browser.get(TOKEN).csrf();
        TwoFactorStatus before = fixture.service().status(user);
        String right = code(user);

        // 1 MB of the right code, chunked: no length to refuse it by, so the filter reads at most 16 KiB + 1 bytes.
        byte[] huge = (CsrfProtection.PARAMETER + "=" + csrf + "&code=" + right.repeat((1 << 20) / 6))
                .getBytes(StandardCharsets.US_ASCII);
        Response refused = browser.postChunked("/totpguard/verify", "application/x-www-form-urlencoded", huge, Map.of());
        assertEquals(413, refused.status(), refused::toString);
        assertPlainRefusal(refused, "1 MB chunked");
        assertSameState(before, fixture.service().status(user), "1 MB chunked");

        // Just over the bound: refused too; a right code inside it is never evaluated.
        String padding = "&pad=" + "x".repeat((int) PageRoutes.MAX_FORM_BYTES);
        byte[] over = (CsrfProtection.PARAMETER + "=" + csrf + "&code=" + right + padding).getBytes(StandardCharsets.US_ASCII);
        assertEquals(413, browser.postChunked("/totpguard/verify", "application/x-www-form-urlencoded", over, Map.of()).status());
        assertSameState(before, fixture.service().status(user), "16 KiB + chunked");

        // A chunked form within the bound is an ordinary form: the right code gets in.
        byte[] form = (CsrfProtection.PARAMETER + "=" + csrf + "&code=" + right).getBytes(StandardCharsets.US_ASCII);
        Response accepted = browser.postChunked("/totpguard/verify", "application/x-www-form-urlencoded", form, Map.of());
        assertEquals(303, accepted.status(), accepted::toString);
        assertTrue(browser.follow(accepted).body().contains(AdminServlet.MARKER));
        fixture.nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void distinctAcceptLanguageTagsLeaveTheHeapWhereItWas(String kind) throws Exception {
        WebContainer container = application.container(kind);
        Browser browser = new Browser(container.base());
        // Warm up: the page, its bundle and the connection exist before the first measurement.
        for (int i = 0; i < 200; i++) {
            browser.get("/totpguard/no-such-page", Map.of("Accept-Language", "de-CH, fr;q=0.8"));
        }
        long before = usedHeapAfterGc();
        int tags = 8_000;
        for (int i = 0; i < tags; i++) {
            // What an unauthenticated client may send: a new tag on every request, each a page the bundle renders.
            String tag = "en-" + Integer.toString(1_000_000 + i, 36) + ", x" + Integer.toString(i, 36) + ";q=0.5";
            Response page = browser.get("/totpguard/no-such-page", Map.of("Accept-Language", tag));
            if (i == 0) {
                assertEquals(404, page.status(), page::toString);
            }
        }
        long grown = usedHeapAfterGc() - before;
        // Before the fix the JDK's bundle cache kept entries per tag, for good: 4.1 MiB (Jetty) and 2.9 MiB (Tomcat) for
        // these 8,000 tags; since, the growth is within the noise of a full GC (-0.1 to +0.1 MiB).
        assertTrue(grown < 1536L * 1024, () -> tags + " distinct Accept-Language tags grew the heap by " + grown / 1024 + " KiB");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ---- user names ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void hostileUserNamesAtThePasswordFormGetTheLoginErrorAndTouchNoState(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String victim = enrolledUser();
        TwoFactorStatus before = fixture.service().status(victim);
        List<String> names = List.of(
                "' OR '1'='1", victim + "'--", victim + "'; DROP TABLE totpguard_credential; --", "\" OR \"\"=\"",
                "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", victim + "<b>",
                "u".repeat(100_000), victim + "x".repeat(5_000),
                victim.replace('e', '\u0435'), // Cyrillic small ie
                victim.replace("user", "\uff55\uff53\uff45\uff52"), // full-width letters
                victim + "\u200b", victim.toUpperCase(), " " + victim, victim + "\u0000", "%00" + victim, "${jndi:ldap://x/a}");
        for (String name : names) {
            String what = name.length() > 40 ? name.substring(0, 40) + "... (" + name.length() + " chars)" : name;
            Browser browser = new Browser(container.base());
            Response challenge = browser.get("/admin/x");
            Response form = challenge.isRedirect() ? browser.follow(challenge) : challenge;
            assertTrue(form.body().contains(LoginPageServlet.LOGIN_MARKER), form::toString);
            Response login = browser.post("/j_security_check", Map.of("j_username", name, "j_password", Login.passwordOf(victim)));
            assertTrue(login.status() < 500, () -> what + ": " + login);
            Response shown = login.isRedirect() ? browser.follow(login) : login;
            assertTrue(shown.status() < 500, () -> what + ": " + shown);
            assertFalse(shown.body().contains("<script>alert") || shown.body().contains("<img src=x"), () -> what + ": echoed " + shown);
            // Not signed in: the protected path still asks for the password, not for a code.
            Response again = browser.get("/admin/x");
            Response page = again.isRedirect() ? browser.follow(again) : again;
            assertTrue(page.body().contains(LoginPageServlet.LOGIN_MARKER), () -> what + ": " + page);
            assertSameState(before, fixture.service().status(victim), what);
            assertEquals(before.failureCount(), fixture.service().status(victim).failureCount(), what);
        }
        // The store is intact and the victim signs in as before.
        Browser browser = verified(container, victim);
        assertTrue(browser.get("/admin/x").body().contains(AdminServlet.MARKER));
    }

    // ---- CSRF and origin on every state-changing form -------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void everyStateChangingFormRefusesAForgedPostAndChangesNothing(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String origin = container.base().getScheme() + "://" + container.base().getAuthority();

        // Half-authenticated forms: the code and the recovery code.
        String user = enrolledUser();
        Browser half = halfway(container, user);
        String halfToken = half.get(TOKEN).csrf();
        TwoFactorStatus before = fixture.service().status(user);
        forge(half, "/totpguard/verify", halfToken, code(user));
        forge(half, "/totpguard/recover", halfToken, code(user));
        assertSameState(before, fixture.service().status(user), "half-authenticated forms");
        assertEquals(0, fixture.service().status(user).failureCount(), "a forged post was evaluated");
        Response accepted = half.post("/totpguard/verify", Map.of("totpguard_csrf", halfToken, "code", code(user)),
                Map.of("Origin", origin, "Sec-Fetch-Site", "same-origin"));
        assertEquals(303, accepted.status(), accepted::toString);
        fixture.nextStep();

        // Enrollment confirmation of a user without a second factor.
        String newcomer = application.newUser("user");
        Browser enrolling = new Browser(container.base());
        Response toEnroll = enrolling.follow(Login.formLogin(enrolling, "/admin/x", newcomer, Login.passwordOf(newcomer)));
        Response enrollPage = enrolling.follow(toEnroll);
        assertEquals(200, enrollPage.status(), enrollPage::toString);
        String key = enrollPage.find("<dd class=\"key\" id=\"key\">([A-Z2-7 ]+)</dd>");
        fixture.rememberSecret(newcomer, key.replace(" ", ""));
        forge(enrolling, "/totpguard/confirm", enrollPage.csrf(), code(newcomer));
        assertEquals(TwoFactorStatus.State.PENDING, fixture.service().status(newcomer).state(), "a forged confirmation activated");

        // Management forms of a verified session, each with a current code that would be accepted.
        String manager = enrolledUser();
        Browser session = verified(container, manager);
        String manageToken = session.get("/totpguard/manage").csrf();
        TwoFactorStatus managed = fixture.service().status(manager);
        for (String action : List.of("/totpguard/reenroll", "/totpguard/regenerate", "/totpguard/disable", "/totpguard/logout")) {
            forge(session, action, manageToken, code(manager));
            assertSameState(managed, fixture.service().status(manager), action);
            assertFalse(fixture.service().status(manager).hasPendingEnrollment(), action + " started a new enrollment");
            assertTrue(session.get("/admin/x").body().contains(AdminServlet.MARKER), action + " ended the session");
        }
        assertEquals(0, fixture.service().status(manager).failureCount(), "a forged post was evaluated");
    }

    /** Missing token, wrong token, the right token in the URL, foreign Origin, cross-site fetch: each a 403. */
    private void forge(Browser browser, String action, String token, String code) {
        List<Response> attempts = List.of(
                browser.post(action, Map.of("code", code)),
                browser.post(action + "?totpguard_csrf=" + token, Map.of("code", code)),
                browser.post(action + "?totpguard_csrf=" + token, Map.of("totpguard_csrf", token, "code", code)),
                browser.post(action, Map.of("totpguard_csrf", token.substring(1) + "A", "code", code)),
                browser.post(action, Map.of("totpguard_csrf", "", "code", code)),
                browser.post(action, Map.of("totpguard_csrf", token, "code", code), Map.of("Origin", "https://evil.example")),
                browser.post(action, Map.of("totpguard_csrf", token, "code", code), Map.of("Origin", "null")),
                browser.post(action, Map.of("totpguard_csrf", token, "code", code), Map.of("Sec-Fetch-Site", "cross-site")));
        for (Response response : attempts) {
            assertEquals(403, response.status(), () -> action + ": " + response);
        }
    }

    // ---- return targets ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/%2f%2fevil.example", "/%5cevil.example", "/%5c%5cevil.example", "/..%2f..%2f%2f%2fevil.example",
        "/%09/evil.example", "/%0d%0aSet-Cookie:%20pwned=1", "/%E2%80%A8evil", "/x?next=https://evil.example%0d%0aX:y",
        "/@evil.example", "/%40evil.example"})
    void aReturnTargetStaysOnThisOriginOnBothContainers(String target) throws Exception {
        for (WebContainer container : application.containers()) {
            String user = enrolledUser();
            Browser browser = halfway(container, user);
            Response attempt = browser.raw("GET", WebContainer.CONTEXT_PATH + "/admin" + target);
            assertTrue(attempt.status() < 500, attempt::toString);
            assertFalse(attempt.body().contains(AdminServlet.MARKER), attempt::toString);
            Response page = browser.get(TOKEN);
            Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code(user)));
            assertEquals(303, accepted.status(), accepted::toString);
            String location = accepted.header("Location").orElseThrow();
            assertFalse(location.contains("\r") || location.contains("\n"), location);
            assertEquals(container.base().getAuthority(), accepted.location().getAuthority(), accepted::toString);
            assertTrue(accepted.location().getRawPath().startsWith(WebContainer.CONTEXT_PATH + "/admin/"), accepted::toString);
            assertTrue(accepted.headers("Set-Cookie").stream().noneMatch(c -> c.contains("pwned")), accepted::toString);
            fixture.nextStep();
        }
    }
}
