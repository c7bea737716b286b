package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.filter.harness.Login;
import dev.totpguard.filter.harness.TwoFactorFixture;
import dev.totpguard.filter.harness.WebContainer;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client address behind the per-address limit, over HTTP on Jetty 12 and Tomcat 11 (issue 13 item 3): users
 * behind one proxy or NAT share an address, so one of them (or throw-away accounts) failing must not lock out the
 * others; and {@code X-Forwarded-For} is believed only from a proxy listed in {@code totpguard.trusted-proxies}.
 */
class ClientAddressIT {

    private static final int ADDRESS_LIMIT = 50;

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void throwAwayAccountsFailingBehindOneAddressDoNotLockOutItsOtherUsers(String kind) throws Exception {
        List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
        TwoFactorPolicy policy = TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED)
                .addressLimit(ADDRESS_LIMIT, java.time.Duration.ofMinutes(15)).build();
        int first = kind.equals("jetty") ? 20 : 40;
        try (TwoFactorFixture fixture = TwoFactorFixture.h2(policy, events::add);
                WebContainer container = WebContainer.start(kind, new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                        .initializer(TotpFilter.initializer(TotpFilter.builder().service(fixture.service()).build())))) {
            // 11 throw-away accounts x 5 wrong enrollment codes: 55 failures from 127.0.0.1, above the limit of 50.
            for (int i = 0; i < 11; i++) {
                String user = String.format("user%02d", first + i);
                Browser browser = new Browser(container.base());
                Response toEnroll = browser.follow(Login.formLogin(browser, "/admin/x", user, Login.passwordOf(user)));
                Response page = browser.follow(toEnroll);
                assertEquals(200, page.status(), page::toString);
                for (int j = 0; j < 5; j++) {
                    Response refused = browser.post("/totpguard/confirm", Map.of(CsrfProtection.PARAMETER, page.csrf(), "code", "000000"));
                    assertFalse(refused.isRedirect(), refused::toString);
                }
            }
            assertEquals(55, events.stream().filter(e -> e.type() == TwoFactorEvent.Type.ENROLLMENT_REFUSED).count());

            String user = String.format("user%02d", first + 11);
            fixture.enroll(user);
            fixture.nextStep();
            Browser browser = new Browser(container.base());
            browser.follow(Login.formLogin(browser, "/admin/x", user, Login.passwordOf(user)));
            Response token = browser.get("/totpguard/token");
            Response accepted = browser.post("/totpguard/verify", Map.of(CsrfProtection.PARAMETER, token.csrf(), "code", fixture.code(user)));
            assertTrue(accepted.isRedirect(), "before: a 429 for everyone behind the address; " + accepted);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void forwardedForIsBelievedOnlyFromATrustedProxyTakingTheRightMostUntrustedHop(String kind) throws Exception {
        List<TwoFactorEvent> events = new CopyOnWriteArrayList<>();
        TwoFactorPolicy policy = TwoFactorPolicy.builder().enforcement(TwoFactorPolicy.Enforcement.REQUIRED).build();
        String user = kind.equals("jetty") ? "user55" : "user56";
        try (TwoFactorFixture fixture = TwoFactorFixture.h2(policy, events::add)) {
            fixture.enroll(user);
            // The test's requests come from loopback: trusted in one deployment, not in the other.
            for (String trusted : List.of("192.0.2.0/24", "127.0.0.1, ::1, 10.0.0.0/8")) {
                TotpFilter filter = TotpFilter.builder().service(fixture.service())
                        .trustedProxies(trusted).build();
                try (WebContainer container = WebContainer.start(kind, new WebContainer.Deployment(WebContainer.TEST_WEBAPP)
                        .initializer(TotpFilter.initializer(filter)))) {
                    boolean loopbackTrusted = trusted.contains("127.0.0.1");
                    Browser browser = new Browser(container.base());
                    browser.follow(Login.formLogin(browser, "/admin/x", user, Login.passwordOf(user)));
                    Response token = browser.get("/totpguard/token");
                    // What a client wrote (203.0.113.66), then what a trusted inner proxy (10.1.2.3) saw: 198.51.100.9.
                    browser.post("/totpguard/verify", Map.of(CsrfProtection.PARAMETER, token.csrf(), "code", fixture.wrongCode(user)),
                            Map.of("X-Forwarded-For", "203.0.113.66, 198.51.100.9, 10.1.2.3"));
                    TwoFactorEvent refused = events.get(events.size() - 1);
                    assertEquals(TwoFactorEvent.Type.CODE_REFUSED, refused.type(), refused::toString);
                    String address = refused.clientAddress().orElseThrow();
                    if (loopbackTrusted) {
                        assertEquals("198.51.100.9", address, "from a trusted proxy the right-most untrusted hop counts");
                    } else {
                        assertTrue(address.equals("127.0.0.1") || address.equals("0:0:0:0:0:0:0:1"),
                                "a header from an untrusted peer is ignored: " + address);
                    }
                }
            }
        }
    }
}
