package dev.totpguard.distribution;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person signing in through TOTP Guard's Jakarta Authentication pages ({@code <app>/totpguard/login}, then
 * {@code <app>/totpguard/code}), as a browser does: open the protected page, fill each form with its CSRF token.
 */
final class SamLogin {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private SamLogin() {
    }

    /** Whether {@code page} is the module's password page of the application at {@code app} ({@code /app/}). */
    static boolean isLoginPage(URI app, Response page) {
        return page.status() == 200 && page.body().contains("action=\"" + app.getPath() + "totpguard/login\"");
    }

    /** Opens {@code secret.html} (the password page comes), posts the password; returns the answer (the code page). */
    static Response password(Browser browser, URI app, String user, String password) throws Exception {
        Response login = browser.open(app.resolve("secret.html"));
        if (!isLoginPage(app, login)) {
            throw new AssertionError("expected TOTP Guard's sign-in page, got " + login.status() + ": " + login.body());
        }
        return browser.submit(app.resolve("totpguard/login"),
                Map.of("csrf", csrf(login), "j_username", user, "j_password", password));
    }

    /** Both steps; returns the page the browser ends on (the protected page, or the password page again). */
    static Response login(Browser browser, URI app, String user, String password, String code) throws Exception {
        Response codePage = password(browser, app, user, password);
        if (!codePage.body().contains("action=\"" + app.getPath() + "totpguard/code\"")) {
            throw new AssertionError("expected TOTP Guard's code page, got " + codePage.status() + ": " + codePage.body());
        }
        return browser.submit(app.resolve("totpguard/code"), Map.of("csrf", csrf(codePage), "j_totp", code));
    }

    private static String csrf(Response page) {
        Matcher matcher = CSRF.matcher(page.body());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF field in " + page.body());
        }
        return matcher.group(1);
    }
}
