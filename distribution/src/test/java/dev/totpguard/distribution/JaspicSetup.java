package dev.totpguard.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TOTP Guard's Jakarta Authentication module in an unmodified container, registered as jaas/README.md says for
 * {@code /app}; a second registration for {@code /wrong} uses {@code localhost /wrong}, which the container never
 * looks up. Both WARs have a plain BASIC login and no TOTP Guard in them. Users (password {@code <user>-pw}, in the
 * users file the registration names): {@link #USERS}; the subclass sets up the container and {@link #wrong}.
 */
abstract class JaspicSetup extends ContainerSetup {

    static final List<String> USERS = List.of("kate", "liam", "nora", "pia");

    URI wrong;

    /** The application context string the container looks {@code /wrong}'s provider up with. */
    abstract String appContextOfWrong();

    @Override
    List<String> passwords() {
        return List.of("kate-pw", "liam-pw", "nora-pw", "pia-pw", "olga-pw");
    }

    @Test
    void passwordAloneIsRefused() throws Exception {
        store.enroll("liam");
        assertNotSecret(new Browser().getBasic(app.resolve("secret.html"), "liam", "liam-pw"));
        Browser browser = new Browser();
        SamLogin.password(browser, app, "liam", "liam-pw");
        assertSignInPage(browser.open(app.resolve("secret.html")));
        assertSignInPage(SamLogin.login(new Browser(), app, "liam", "liam-pw", ""));
    }

    @Test
    void codeLogsInForTheSessionAndIsNotAcceptedTwice() throws Exception {
        OperatorStore.Enrolled kate = store.enroll("kate");
        String code = kate.nextCode();
        Browser browser = new Browser();
        assertSecret(SamLogin.login(browser, app, "kate", "kate-pw", code));
        for (int i = 0; i < 10; i++) {
            assertSecret(browser.open(app.resolve("secret.html")));
        }
        assertSignInPage(SamLogin.login(new Browser(), app, "kate", "kate-pw", code));
    }

    @Test
    void aUserWithoutTotpIsRefusedUntilEnrolled() throws Exception {
        // not-enrolled=refuse (the default the README's registration keeps): the right password alone is no login.
        assertSignInPage(SamLogin.login(new Browser(), app, "pia", "pia-pw", "123456"));
        OperatorStore.Enrolled pia = store.enroll("pia");
        assertSecret(SamLogin.login(new Browser(), app, "pia", "pia-pw", pia.nextCode()));
    }

    @Test
    void enrollmentSurvivesARestart() throws Exception {
        OperatorStore.Enrolled nora = store.enroll("nora");
        restart();
        assertSecret(SamLogin.login(new Browser(), app, "nora", "nora-pw", nora.nextCode()));
    }

    @Test
    void aRegistrationTheContainerIgnoresStopsItsApplicationAndNamesTheRightString() throws Exception {
        assertNotSecret(new Browser().getBasic(wrong.resolve("secret.html"), "olga", "olga-pw"));
        List<String> lines = container.linesWith("TOTP Guard refuses to start /wrong");
        assertFalse(lines.isEmpty(), "no refusal in the log:\n" + container.output());
        assertTrue(lines.get(0).contains("\"localhost /wrong\"")
                && lines.get(0).contains("appContext=\"" + appContextOfWrong() + "\""), lines.get(0));
        // The application registered right is not touched by it.
        assertTrue(container.linesWith("TOTP Guard refuses to start /app").isEmpty(), container.output());
    }

    private void assertSignInPage(Response response) {
        assertTrue(SamLogin.isLoginPage(app, response) && !response.body().contains(TestWebapp.SECRET_PAGE),
                "expected TOTP Guard's sign-in page, got " + response.status() + ": " + response.body() + "\n" + container.output());
    }
}
