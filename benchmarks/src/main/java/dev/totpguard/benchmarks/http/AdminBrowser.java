package dev.totpguard.benchmarks.http;

import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Signs the first administrator in to one example server the way a person does, over HTTP: password login, then on
 * their own Edit page "Time-based Tokens (TOTP)", reads the key shown for typing in by hand, and confirms it with a
 * code computed by TOTP Guard's {@link Totp}, the administrator's authenticator app. Then it signs in again in a new
 * session: with the filter installed, the password leads to the filter's token page ({@code /totpguard/}), where it
 * enters the next code. Both variants therefore end with the same data (one administrator with TOTP on), the same
 * page and a session that may open it.
 *
 * <p>It also proves which variant it talks to: after the password, the filter must ask for the code, and without it
 * the admin area must open at once. The key and codes are never printed.
 */
final class AdminBrowser {

    static final String ADMIN = "admin";
    private static final String EDIT_PAGE = "/admin/setup/staff/administrators/edit?user=" + ADMIN;

    private final int port;
    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private final Totp totp = Totp.builder().build();

    AdminBrowser(int port) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A page after following redirects. */
    private record Page(int status, URI uri, Document document) {
    }

    /**
     * Signs in, enrolls TOTP, then signs in anew as every later sign-in goes: the password, then with the filter its
     * token page, which must be asked for (that proves the variant) and gets the next step's code; without the
     * filter the password alone must open the admin area.
     *
     * @return the {@code Cookie} header value of the second sign-in's session (with the filter: verified)
     */
    String signInWithTotp(String password, String measuredPath, boolean withFilter) throws IOException, InterruptedException {
        Page dashboard = login(password);
        require(dashboard.status() == 200 && dashboard.uri().getPath().equals("/admin/"), "the password login failed", dashboard);
        Page enroll = press(get(EDIT_PAGE), "Time-based Tokens (TOTP)", Map.of());
        Element key = enroll.document().selectFirst("code.key");
        require(key != null, "the enrollment page shows no key", enroll);
        byte[] secret = Secret.fromBase32(key.text().replace(" ", "")).bytes();
        try {
            long step = totp.currentStep();
            Page saved = press(enroll, "Save Changes", Map.of("token_code", totp.generateAtStep(secret, step)));
            require(saved.status() == 200 && !saved.document().select("ul.recovery-codes code").isEmpty(),
                    "the token code did not turn TOTP on", saved);

            AdminBrowser later = new AdminBrowser(port);
            Page landed = later.login(password);
            if (withFilter) {
                require(landed.uri().getPath().startsWith("/totpguard/"), "with the filter, a password-only sign-in was not asked for "
                        + "the code", landed);
                String field = labelled(landed, "Token Code").attr("name");
                // The enrollment used this step; every step is accepted once, and the next is inside the window of +-1.
                Page verified = later.press(landed, "Verify", Map.of(field, totp.generateAtStep(secret, step + 1)));
                require(verified.status() == 200 && verified.uri().getPath().equals("/admin/"), "the token page did not accept the code",
                        verified);
            } else {
                require(landed.status() == 200 && landed.uri().getPath().equals("/admin/"), "without the filter, the password alone did "
                        + "not open the admin area: is the server really started with " + ExampleProcess.WITHOUT_FILTER_FLAG + "?", landed);
            }
            Page measured = later.get(measuredPath);
            require(measured.status() == 200 && measured.uri().getPath().equals(measuredPath), "the signed-in session cannot open "
                    + measuredPath, measured);
            return "JSESSIONID=" + later.cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                    .map(HttpCookie::getValue).findFirst().orElseThrow(() -> new IOException("no session cookie"));
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** Opens the admin area, lands on the login page and signs in with the password; the page after the redirects. */
    private Page login(String password) throws IOException, InterruptedException {
        Page login = get("/admin/");
        require(login.uri().getPath().equals("/login"), "the admin area did not send an anonymous visitor to /login", login);
        return press(login, "Login", Map.of("j_username", ADMIN, "j_password", password));
    }

    private Page get(String path) throws IOException, InterruptedException {
        return follow(send(HttpRequest.newBuilder(URI.create(base + path)).GET()));
    }

    /** Presses the button labelled {@code label}: sends its form with every field's value and {@code values} over them. */
    private Page press(Page page, String label, Map<String, String> values) throws IOException, InterruptedException {
        Element button = page.document().select("button").stream().filter(b -> b.text().strip().equals(label)).findFirst()
                .orElseThrow(() -> new IOException("no button '" + label + "' on " + page.uri()));
        Element form = button.hasAttr("form") ? page.document().getElementById(button.attr("form")) : button.closest("form");
        if (form == null) {
            throw new IOException("button '" + label + "' on " + page.uri() + " belongs to no form");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[name], textarea[name], select[name]")) {
            String type = input.attr("type");
            if (!(type.equals("checkbox") || type.equals("radio")) || input.hasAttr("checked")) {
                fields.put(input.attr("name"), input.val());
            }
        }
        fields.putAll(values);
        if (button.hasAttr("name")) {
            fields.put(button.attr("name"), button.attr("value"));
        }
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI action = form.hasAttr("action") ? URI.create(form.absUrl("action")) : page.uri();
        return follow(send(HttpRequest.newBuilder(action).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    private static Element labelled(Page page, String text) throws IOException {
        for (Element label : page.document().select("label")) {
            if (label.text().strip().equals(text) && page.document().getElementById(label.attr("for")) != null) {
                return page.document().getElementById(label.attr("for"));
            }
        }
        throw new IOException("no field labelled '" + text + "' on " + page.uri());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Page follow(HttpResponse<String> response) throws IOException, InterruptedException {
        for (int redirects = 0; response.statusCode() / 100 == 3; redirects++) {
            if (redirects == 10) {
                throw new IOException("redirect loop at " + response.uri());
            }
            URI location = response.uri().resolve(response.headers().firstValue("Location").orElseThrow(() -> new IOException("redirect without Location")));
            response = send(HttpRequest.newBuilder(location).GET());
        }
        return new Page(response.statusCode(), response.uri(), Jsoup.parse(response.body(), response.uri().toString()));
    }

    /** Fails the set-up with what went wrong and the page's status and address (never its text: it may show the key). */
    private static void require(boolean condition, String problem, Page page) throws IOException {
        if (!condition) {
            throw new IOException(problem + (page == null ? "" : " (status " + page.status() + " at " + page.uri() + ")"));
        }
    }
}
