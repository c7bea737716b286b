package dev.totpguard.filter.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.util.Map;

/** Signing in as a browser does it: container FORM login through j_security_check, then the filter's code page. */
public final class Login {

    private static final String TOKEN = "/totpguard/token";

    private Login() {
    }

    /**
     * Requests {@code path} (which must be protected by the container), signs in on the login form that
     * comes back (Jetty redirects to it, Tomcat forwards), and returns the container's redirect back to
     * {@code path}, not yet followed.
     */
    public static Response formLogin(Browser browser, String path, String user, String password) {
        Response first = browser.get(path);
        Response challenge = first.isRedirect() ? browser.follow(first) : first;
        assertEquals(200, challenge.status(), () -> "login form expected: " + challenge);
        assertTrue(challenge.body().contains(LoginPageServlet.LOGIN_MARKER), () -> "login form expected: " + challenge);
        Response afterLogin = browser.post("/j_security_check", Map.of("j_username", user, "j_password", password));
        assertTrue(afterLogin.isRedirect(), () -> "redirect after j_security_check expected: " + afterLogin);
        assertEquals(browser.uri(path).getPath(), afterLogin.location().getPath(), () -> "back to " + path + ": " + afterLogin);
        return afterLogin;
    }

    /**
     * FORM login to {@code path} with the user's test-realm password, then asserts that the filter sends the browser
     * on to its page {@code filterPage} (e.g. {@code /totpguard/token}): the session is half-authenticated. Returns
     * that redirect, not yet followed.
     */
    public static Response passwordOnly(Browser browser, String path, String user, String filterPage) {
        Response redirect = browser.follow(formLogin(browser, path, user, passwordOf(user)));
        assertTrue(redirect.isRedirect(), redirect::toString);
        assertEquals(WebContainer.CONTEXT_PATH + filterPage, redirect.location().getPath(), redirect::toString);
        return redirect;
    }

    /** Opens the token page and submits {@code code} with its CSRF token; returns the answer, not followed. */
    public static Response submitCode(Browser browser, String code) {
        Response page = browser.get(TOKEN);
        assertEquals(200, page.status(), page::toString);
        return browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", code));
    }

    /**
     * Both factors for an enrolled user, starting at the protected {@code path}: the password, then the code of the
     * fixture's current step, after which the filter must send the browser back to {@code path}. Moves the fixture on
     * to the next step, so the next code is not a replay. The browser then holds a verified session.
     */
    public static void bothFactors(Browser browser, TwoFactorFixture fixture, String user, String path) {
        Pages.assertRedirectsTo(TOKEN, browser.follow(formLogin(browser, path, user, passwordOf(user))));
        Pages.assertRedirectsTo(path, submitCode(browser, fixture.code(user)));
        fixture.nextStep();
    }

    /** The password of a user of the test realm: "user07" -> "password-07". */
    public static String passwordOf(String user) {
        return "password-" + user.substring(4);
    }
}
