package dev.totpguard.filter.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.filter.testapp.LoginPageServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.util.Map;

/** Container FORM login through j_security_check, as a browser does it. */
public final class Login {

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

    /** The password of a user of the test realm: "user07" -> "password-07". */
    public static String passwordOf(String user) {
        return "password-" + user.substring(4);
    }
}
