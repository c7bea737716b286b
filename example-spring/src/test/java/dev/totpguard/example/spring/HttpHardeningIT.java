package dev.totpguard.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.testkit.Browser;
import dev.totpguard.testkit.Response;
import dev.totpguard.testkit.WithoutBuildProperties;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the example sends besides its pages, over real HTTP on its embedded Tomcat (findings of an attacker's pass):
 * a Content-Security-Policy and Referrer-Policy on its own pages, Spring's login page and its error page, while TOTP
 * Guard's pages keep exactly their own policy; a session cookie that is HttpOnly and SameSite=Lax (and Secure when the
 * request came over TLS); {@code /error} asked for directly is a plain 404; and redirects never name the host of a
 * forged Host header.
 */
@ExtendWith(WithoutBuildProperties.class)
class HttpHardeningIT {

    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final String SPRING_CSRF = "name=\"_csrf\" (?:type=\"hidden\" )?value=\"([^\"]+)\"";

    @TempDir
    Path temp;

    private ConfigurableApplicationContext start(String... more) {
        List<String> args = Stream.concat(Stream.of("--server.port=0", "--example.data=" + temp.resolve("data"),
                "--spring.main.banner-mode=off",
                // The filter jar is on this module's test class path for SharedLockoutIT only.
                "--spring.autoconfigure.exclude=dev.totpguard.filter.TotpGuardAutoConfiguration"), Stream.of(more)).toList();
        return new SpringApplicationBuilder(ExampleSpringApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static void assertApplicationPolicy(Response response) {
        assertEquals(List.of(POLICY), response.headers("Content-Security-Policy"), response::toString);
        assertEquals(List.of("no-referrer"), response.headers("Referrer-Policy"), response::toString);
    }

    @Test
    void everyPageHasOnePolicyAndErrorIsAPlain404AndTheSessionCookieIsLax() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            Browser browser = new Browser(URI.create("http://127.0.0.1:" + port(app)));
            String password = Files.readString(temp.resolve("data").resolve(FirstAdministrator.PASSWORD_FILE)).strip();

            Response challenge = browser.get("/admin/");
            assertTrue(challenge.isRedirect(), challenge::toString);
            String cookie = challenge.headers("Set-Cookie").stream().filter(header -> header.startsWith("JSESSIONID="))
                    .findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + challenge));
            assertTrue(cookie.contains("; HttpOnly"), cookie);
            assertTrue(cookie.contains("; SameSite=Lax"), cookie);
            assertFalse(cookie.contains("Secure"), "not over plain HTTP: " + cookie);

            Response login = browser.follow(challenge);
            assertEquals(200, login.status(), login::toString);
            assertApplicationPolicy(login);
            assertEquals(200, browser.get("/default-ui.css").status(), "the login page's style sheet, from 'self'");
            assertPlain404(browser.get("/error"));

            Response enroll = browser.follow(browser.post("/login", Map.of("username", FirstAdministrator.NAME,
                    "password", password, "_csrf", login.find(SPRING_CSRF))));
            enroll = enroll.isRedirect() ? browser.follow(enroll) : enroll;
            assertEquals("/totpguard/enroll", enroll.uri().getPath(), enroll::toString);
            List<String> pagePolicy = enroll.headers("Content-Security-Policy");
            assertEquals(1, pagePolicy.size(), "one policy, TOTP Guard's, on its page: " + pagePolicy);
            assertTrue(pagePolicy.get(0).contains("img-src data:") && pagePolicy.get(0).contains("'sha256-"),
                    "TOTP Guard's own policy (the QR code is a data: image): " + pagePolicy);
            assertEquals(List.of("no-referrer"), enroll.headers("Referrer-Policy"), enroll::toString);
            assertPlain404(browser.get("/error"));

            byte[] secret = Secret.fromBase32(enroll.find("<dd class=\"key\" id=\"key\">([^<]+)</dd>").replace(" ", "")).bytes();
            Response codes = browser.post("/totpguard/confirm", Map.of("_csrf", enroll.find(SPRING_CSRF),
                    "code", Totp.builder().build().generate(secret)));
            assertTrue(codes.body().contains("id=\"recovery-codes\""), codes::toString);
            Response admin = browser.get("/admin/");
            assertTrue(admin.body().contains("id=\"welcome\""), admin::toString);
            assertApplicationPolicy(admin);
            Response denied = browser.post("/admin/", Map.of("_csrf", "forged"));
            assertEquals(403, denied.status(), denied::toString);
            assertApplicationPolicy(denied);
            assertFalse(denied.body().contains("999") || denied.body().contains("Exception"), denied::toString);
        }
    }

    private static void assertPlain404(Response error) {
        assertEquals(404, error.status(), error::toString);
        assertEquals("404 Not Found", error.body().strip(), error::toString);
        assertApplicationPolicy(error);
    }

    @Test
    void redirectsNeverNameTheHostOfAForgedHostHeader() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            for (String path : List.of("/", "/admin/", "/admin/settings", "/totpguard/token")) {
                String head = exchange(port(app), "GET " + path + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
                assertTrue(head.startsWith("HTTP/1.1 302"), head);
                String location = head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("location:"))
                        .findFirst().orElseThrow().substring("location:".length()).strip();
                assertTrue(location.startsWith("/") && !location.startsWith("//"), "a path, not " + location);
                assertFalse(head.contains("evil.example"), head);
            }
            // The request Spring saves before the login page, asked for with a forged Host: the login's redirect back
            // to it stays on this server.
            String saved = exchange(port(app), "GET /admin/settings HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
            String session = saved.lines().filter(line -> line.startsWith("Set-Cookie: JSESSIONID=")).findFirst()
                    .orElseThrow(() -> new AssertionError(saved)).replaceAll("Set-Cookie: JSESSIONID=([^;]+).*", "$1");
            Browser browser = new Browser(URI.create("http://127.0.0.1:" + port(app)));
            browser.setCookie("JSESSIONID", session);
            Response login = browser.get("/login");
            Response signedIn = browser.post("/login", Map.of("username", FirstAdministrator.NAME, "password",
                    Files.readString(temp.resolve("data").resolve(FirstAdministrator.PASSWORD_FILE)).strip(),
                    "_csrf", login.find(SPRING_CSRF)));
            assertTrue(signedIn.isRedirect(), signedIn::toString);
            assertFalse(signedIn.locationHeader().contains("evil.example"), signedIn::toString);
        }
    }

    @Test
    void theSessionCookieIsSecureWhenTheRequestCameOverTls() throws Exception {
        // A TLS proxy in front on the same machine, as the README describes: Tomcat takes X-Forwarded-Proto from it.
        try (ConfigurableApplicationContext app = start("--server.forward-headers-strategy=native")) {
            Browser browser = new Browser(URI.create("http://127.0.0.1:" + port(app)));
            Response login = browser.get("/login", Map.of("X-Forwarded-Proto", "https"));
            String cookie = login.headers("Set-Cookie").stream().filter(header -> header.startsWith("JSESSIONID="))
                    .findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + login));
            assertTrue(cookie.contains("; Secure") && cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax"), cookie);
        }
    }

    private static String exchange(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            return end < 0 ? response : response.substring(0, end);
        }
    }
}
