package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.LoggingTwoFactorListener;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.GuardedApplication;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter's enrollment page over real HTTP says, as a note (never an alert, which a screen reader announces at
 * once), which popular authenticator apps cannot follow a policy other than SHA-1, 6 digits and 30 seconds; the default
 * policy's page has no such note.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrollmentPolicyNoteIT {

    private static final String ENROLL = "/totpguard/enroll";

    @RegisterExtension
    static final GuardedApplication strict = GuardedApplication.on("jetty", () -> TwoFactorFixture.h2(
            policy(TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build()),
            new LoggingTwoFactorListener()), GuardedApplication.withFilter(WebContainer.TEST_WEBAPP));

    @RegisterExtension
    static final GuardedApplication defaults = GuardedApplication.on("jetty", () -> TwoFactorFixture.h2(
            policy(TotpParameters.DEFAULT), new LoggingTwoFactorListener()),
            GuardedApplication.withFilter(WebContainer.TEST_WEBAPP));

    private static TwoFactorPolicy policy(TotpParameters parameters) {
        return TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED).issuer("TOTP Guard Test")
                .parameters(parameters).addressLimit(0, Duration.ofMinutes(15)).build();
    }

    private static Response enrollPage(GuardedApplication application) {
        String user = application.newUser("user");
        Browser browser = application.browser("jetty");
        Login.passwordOnly(browser, "/admin/start", user, ENROLL);
        Response page = browser.get(ENROLL);
        assertEquals(200, page.status(), page::toString);
        return page;
    }

    @Test
    void anSha256EightDigitSixtySecondPolicyIsANoteNamingTheAppsThatCannotFollowIt() {
        String body = enrollPage(strict).body();
        assertTrue(body.contains("<p class=\"compatibility\" role=\"note\">This site uses SHA-256, 8 digits and a new code"
                + " every 60 seconds. Microsoft Authenticator and Authy support only SHA-1, 6 digits and 30 seconds, so"
                + " their codes would not be accepted here. Google Authenticator on Android ignores the period and shows a"
                + " new code every 30 seconds. Some versions of Google Authenticator ignore the algorithm and compute SHA-1"
                + " codes. Choose an app that lets you set these, such as Aegis, FreeOTP or KeePassXC; if your first code"
                + " is refused, check the app&#39;s settings for this account.</p>"), body);
        assertTrue(body.indexOf("role=\"note\"") < body.indexOf("<ol>"), "said before the steps, where the app is chosen");
    }

    @Test
    void theDefaultPolicyHasNoNote() {
        String body = enrollPage(defaults).body();
        assertTrue(body.contains("<dd id=\"key\"") || body.contains("id=\"key\""), body);
        assertTrue(!body.contains("role=\"note\"") && !body.contains("Authy support"), body);
    }
}
