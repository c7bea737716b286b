package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.store.StoreException;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TotpFilter#acceptSecondFactor}: an application that checks a code on a page of its own (here
 * {@code /own-code}, outside the filter's protected paths) tells the filter, and the session is then verified
 * with a new session id, on Jetty 12 and Tomcat 11. Anything that is not an accepted check of the signed-in
 * user's own active factor, made just now and presented once, is refused and leaves the session asking for a
 * code (issue 11 section 4: the proof is issued only by the service, bound to the user and the moment).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcceptSecondFactorIT {

    private static final String TOKEN = "/totpguard/token";

    @RegisterExtension
    static final GuardedApplication application = GuardedApplication.onJettyAndTomcat(
            () -> TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.OPTIONAL), fixture -> {
                TotpFilter filter = TotpFilter.builder().service(fixture.service()).build();
                return new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer((classes, context) -> {
                    TotpFilter.initializer(filter).onStartup(classes, context);
                    context.addServlet("own-code", new OwnCodeServlet(filter, fixture.service())).addMapping("/own-code");
                });
            });

    /**
     * The application's own code page, with the mistakes a careless application might make, to show what the
     * filter still refuses: {@code as=name} checks the code of a user named in the request instead of the signed-in
     * one; {@code proof=keep} checks the code and keeps the accepted result without presenting it, and
     * {@code proof=kept} later presents that kept result (in another request, maybe another session).
     */
    static final class OwnCodeServlet extends HttpServlet {
        private final transient TotpFilter filter;
        private final transient TwoFactorService service;
        private final transient AtomicReference<Verification> kept = new AtomicReference<>();

        OwnCodeServlet(TotpFilter filter, TwoFactorService service) {
            this.filter = filter;
            this.service = service;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String user = request.getRemoteUser();
            try {
                String mode = request.getParameter("proof");
                Verification proof;
                if ("kept".equals(mode)) {
                    proof = kept.get();
                } else {
                    String checked = request.getParameter("as") != null ? request.getParameter("as") : user;
                    proof = service.verify(checked, request.getParameter("code"), request.getRemoteAddr());
                    if ("keep".equals(mode)) {
                        kept.set(proof);
                        response.getWriter().write("kept " + proof.outcome());
                        return;
                    }
                }
                filter.acceptSecondFactor(request, proof);
                response.getWriter().write("passed");
            } catch (IllegalArgumentException | IllegalStateException e) {
                response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                response.getWriter().write("refused: " + e.getMessage());
            } catch (StoreException e) {
                response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
        }
    }

    private String user() {
        return application.newUser("user");
    }

    /** Password login to an admin page: the filter asks for the code. */
    private static Browser passwordOnly(WebContainer container, String user) {
        Browser browser = new Browser(container.base());
        Login.passwordOnly(browser, "/admin/x", user, TOKEN);
        return browser;
    }

    private static void assertAsksForCode(Browser browser) {
        Response admin = browser.get("/admin/x");
        assertTrue(admin.isRedirect() && admin.location().getPath().endsWith(TOKEN), admin::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void theApplicationsOwnAcceptedCheckVerifiesTheSessionWithANewId(String kind) throws Exception {
        String user = user();
        fixture().enroll(user);
        Browser browser = passwordOnly(application.container(kind), user);
        String before = browser.cookie("JSESSIONID");

        Response passed = browser.post("/own-code", Map.of("code", fixture().code(user)));
        assertEquals(200, passed.status(), passed::toString);
        assertNotEquals(before, browser.cookie("JSESSIONID"), "the session id changes after the second factor");

        Response admin = browser.get("/admin/x");
        assertEquals(200, admin.status(), admin::toString);
        assertTrue(admin.body().contains(AdminServlet.MARKER), admin::toString);
        fixture().nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aRefusedCheckOrNoSignedInUserLeaveTheSessionUnverified(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String enrolled = user();
        fixture().enroll(enrolled);
        Browser browser = passwordOnly(container, enrolled);
        String before = browser.cookie("JSESSIONID");
        Response wrong = browser.post("/own-code", Map.of("code", fixture().wrongCode(enrolled)));
        assertEquals(403, wrong.status(), wrong::toString);
        assertTrue(wrong.body().contains("INVALID"), wrong::toString);
        assertEquals(before, browser.cookie("JSESSIONID"), "nothing happened to the session");
        assertAsksForCode(browser);

        // No user signed in at all, with a real accepted proof in hand.
        Response kept = new Browser(container.base()).post("/own-code", Map.of("proof", "keep", "as", enrolled,
                "code", fixture().code(enrolled)));
        assertEquals("kept ACCEPTED", kept.body(), kept::toString);
        Response anonymous = new Browser(container.base()).post("/own-code", Map.of("proof", "kept"));
        assertEquals(403, anonymous.status(), anonymous::toString);
        assertTrue(anonymous.body().contains("No user is signed in"), anonymous::toString);
        fixture().nextStep();

        // The enrolled user's session still asks for a code, and the right one still works on the filter's page.
        assertAsksForCode(browser);
        Response page = browser.get(TOKEN);
        Response accepted = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", fixture().code(enrolled)));
        assertEquals(303, accepted.status(), accepted::toString);
        fixture().nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aProofOfAnotherUsersCodeDoesNotVerifyTheSession(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String victim = user();
        String attacker = user();
        fixture().enroll(victim);
        fixture().enroll(attacker);
        // The attacker has the victim's password only, and their own authenticator.
        Browser browser = passwordOnly(container, victim);

        Response foreign = browser.post("/own-code", Map.of("as", attacker, "code", fixture().code(attacker)));

        assertEquals(403, foreign.status(), foreign::toString);
        assertTrue(foreign.body().contains("another user"), foreign::toString);
        assertAsksForCode(browser);

        // Under OPTIONAL a user without a factor is in with the password; a proof of someone else's code changes nothing.
        String notEnrolled = user();
        Browser plain = new Browser(container.base());
        Response in = plain.follow(Login.formLogin(plain, "/admin/x", notEnrolled, Login.passwordOf(notEnrolled)));
        assertEquals(200, in.status(), "OPTIONAL policy: a user without a factor gets in with the password: " + in);
        fixture().nextStep();
        Response other = plain.post("/own-code", Map.of("as", attacker, "code", fixture().code(attacker)));
        assertEquals(403, other.status(), other::toString);
        fixture().nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aProofOlderThanAMinuteDoesNotVerifyTheSession(String kind) throws Exception {
        String user = user();
        fixture().enroll(user);
        Browser browser = passwordOnly(application.container(kind), user);
        Response kept = browser.post("/own-code", Map.of("proof", "keep", "code", fixture().code(user)));
        assertEquals("kept ACCEPTED", kept.body(), kept::toString);

        fixture().clock().advance(java.time.Duration.ofSeconds(TotpFilter.PROOF_MAX_AGE_SECONDS + 1));
        Response stale = browser.post("/own-code", Map.of("proof", "kept"));

        assertEquals(403, stale.status(), stale::toString);
        assertTrue(stale.body().contains("not fresh"), stale::toString);
        assertAsksForCode(browser);
        fixture().nextStep();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void oneAcceptedCheckVerifiesOneSessionOnly(String kind) throws Exception {
        WebContainer container = application.container(kind);
        String user = user();
        fixture().enroll(user);
        Browser owner = passwordOnly(container, user);
        Browser second = passwordOnly(container, user);
        Response kept = owner.post("/own-code", Map.of("proof", "keep", "code", fixture().code(user)));
        assertEquals("kept ACCEPTED", kept.body(), kept::toString);

        Response first = owner.post("/own-code", Map.of("proof", "kept"));
        assertEquals(200, first.status(), first::toString);
        Response again = second.post("/own-code", Map.of("proof", "kept"));

        assertEquals(403, again.status(), again::toString);
        assertTrue(again.body().contains("already presented"), again::toString);
        assertAsksForCode(second);
        assertEquals(200, owner.get("/admin/x").status());
        fixture().nextStep();
    }

    private static TwoFactorFixture fixture() {
        return application.fixture();
    }
}
