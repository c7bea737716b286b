package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.Verification;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 10,000 wrong codes against one admin from 10,000 client addresses and many sessions, spread over 25 hours
 * of the injected clock (one every 9 seconds): 9,900 straight into the service (as many nodes would send
 * them), and every 100th through the real filter on Jetty, each from a new browser session that signed in
 * with the password (attack cases 7-9, RFC 4226 section 7.3). The lockout is per account and counted in the
 * database, so neither new sessions nor new addresses reset it: never an acceptance, and only the attempts
 * the lockout schedule lets through are evaluated at all. The figures are printed for SECURITY.md.
 */
class BruteForceIT {

    private static final int ATTEMPTS = 10_000;
    private static final int HTTP_EVERY = 100;
    private static final Duration SPACING = Duration.ofSeconds(9);

    @Test
    void tenThousandWrongCodesFromManySessionsAndAddressesAreLockedOutNeverAccepted() throws Exception {
        try (TwoFactorFixture fixture = TwoFactorFixture.h2(TwoFactorPolicy.Enforcement.REQUIRED)) {
            TotpFilter filter = TotpFilter.builder().service(fixture.service()).build();
            try (WebContainer jetty = WebContainer.start("jetty",
                    new WebContainer.Deployment(WebContainer.TEST_WEBAPP).initializer(TotpFilter.initializer(filter)))) {
                String admin = "user01";
                fixture.enroll(admin);
                Instant start = fixture.clock().instant();
                List<Instant> evaluated = new ArrayList<>();
                int locked = 0;
                int httpAttempts = 0;
                for (int i = 0; i < ATTEMPTS; i++) {
                    String wrong = fixture.wrongCode(admin);
                    boolean wasEvaluated;
                    if (i % HTTP_EVERY == 0) {
                        httpAttempts++;
                        wasEvaluated = overHttp(jetty, admin, wrong);
                    } else {
                        String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                        Verification result = fixture.service().verify(admin, wrong, address);
                        assertTrue(result.outcome() == Verification.Outcome.INVALID
                                || result.outcome() == Verification.Outcome.LOCKED, result::toString);
                        wasEvaluated = result.outcome() == Verification.Outcome.INVALID;
                    }
                    if (wasEvaluated) {
                        evaluated.add(fixture.clock().instant());
                    } else {
                        locked++;
                    }
                    fixture.clock().advance(SPACING);
                }
                Duration span = Duration.between(start, fixture.clock().instant());
                long firstHour = evaluated.stream().filter(t -> t.isBefore(start.plus(Duration.ofHours(1)))).count();
                long firstDay = evaluated.stream().filter(t -> t.isBefore(start.plus(Duration.ofDays(1)))).count();
                long lastDay = evaluated.stream().filter(t -> !t.isBefore(fixture.clock().instant().minus(Duration.ofDays(1)))).count();
                System.out.printf("BruteForceIT: %d wrong codes (%d over HTTP from %d sessions, the rest from %d addresses) "
                        + "over %d h: 0 accepted, %d evaluated, %d refused unevaluated (locked); evaluated in the first hour %d, "
                        + "first 24 h %d, last 24 h %d (%.2f per hour); guessing chance so far <= %d x 3/10^6 = %.1e%n",
                        ATTEMPTS, httpAttempts, httpAttempts, ATTEMPTS - httpAttempts, span.toHours(), evaluated.size(), locked,
                        firstHour, firstDay, lastDay, lastDay / 24.0, evaluated.size(), evaluated.size() * 3e-6);

                // The README's bound (docs: "What the lockout bounds"): 33 on the first day, then one an hour.
                assertTrue(firstDay <= 33, "first day: " + firstDay);
                assertTrue(lastDay <= 25, "last day: " + lastDay);
                assertEquals(evaluated.size() + locked, ATTEMPTS);
                // Every evaluated failure was counted in the store; nothing reset the count.
                assertEquals(evaluated.size(), fixture.service().status(admin).failureCount());

                // The owner, once the current lock runs out, still gets in: the lock is not a permanent denial.
                fixture.clock().advance(Duration.ofHours(1));
                assertTrue(fixture.service().verify(admin, fixture.code(admin), "192.0.2.1").isAccepted());
                assertEquals(0, fixture.service().status(admin).failureCount());
            }
        }
    }

    /** Password login in a new session, then one wrong code; true if it was evaluated, false if locked. */
    private static boolean overHttp(WebContainer container, String user, String wrong) {
        Browser browser = new Browser(container.base());
        browser.follow(Login.formLogin(browser, "/admin/x", user, Login.passwordOf(user)));
        Response page = browser.get("/totpguard/token");
        Response response = browser.post("/totpguard/verify", Map.of("totpguard_csrf", page.csrf(), "code", wrong));
        assertTrue(response.status() == 200 || response.status() == 429, response::toString);
        assertTrue(!response.body().contains(AdminServlet.MARKER) && !response.isRedirect(), response::toString);
        return response.status() == 200;
    }
}
