package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A person with a browser, over real HTTP: one {@link HttpClient} with its own cookie jar, following redirects
 * itself (so tests can see them), reading pages with jsoup, clicking links by their text and pressing buttons by
 * their label. Not thread-safe; one per simulated person.
 */
public final class WebClient {

    private final String base;
    private final CookieManager cookies;
    private final HttpClient client;
    /** The {@code Accept-Language} header of every request, or null for none (the pages are then in English). */
    private final String acceptLanguage;

    public WebClient(String base) {
        this(base, new CookieManager(null, CookiePolicy.ACCEPT_ALL), null);
    }

    /** A browser that asks for pages in {@code acceptLanguage} (an {@code Accept-Language} header). */
    public WebClient(String base, String acceptLanguage) {
        this(base, new CookieManager(null, CookiePolicy.ACCEPT_ALL), acceptLanguage);
    }

    private WebClient(String base, CookieManager cookies, String acceptLanguage) {
        this.base = base;
        this.cookies = cookies;
        this.acceptLanguage = acceptLanguage;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A page as received after following redirects; {@code redirects} lists every Location on the way. */
    public record Page(int status, URI uri, Document document, HttpResponse<String> response, List<URI> redirects) {

        public String text() {
            return document.text();
        }

        public String path() {
            return uri.getPath();
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        /** The link whose text is exactly {@code text}. */
        public Element link(String text) {
            List<Element> links = document.select("a").stream().filter(a -> a.text().strip().equals(text)).toList();
            assertFalse(links.isEmpty(), "no link '" + text + "' on " + uri + ":\n" + document.text());
            return links.get(0);
        }

        /** The button whose label is exactly {@code label}. */
        public Element button(String label) {
            List<Element> buttons = document.select("button").stream().filter(b -> b.text().strip().equals(label)).toList();
            assertFalse(buttons.isEmpty(), "no button '" + label + "' on " + uri + ":\n" + document.text());
            return buttons.get(0);
        }

        /** The input belonging to the label with exactly this text. */
        public Element labelled(String labelText) {
            for (Element label : document.select("label")) {
                if (label.text().strip().equals(labelText)) {
                    Element input = document.getElementById(label.attr("for"));
                    assertNotNull(input, "label '" + labelText + "' points at no element");
                    return input;
                }
            }
            return fail("no label '" + labelText + "' on " + uri + ":\n" + document.text());
        }
    }

    public String base() {
        return base;
    }

    public Page get(String pathOrUrl) throws IOException, InterruptedException {
        return follow(send(HttpRequest.newBuilder(resolve(pathOrUrl)).GET()), new ArrayList<>());
    }

    /** One request, no redirect followed. */
    public HttpResponse<String> raw(String method, String pathOrUrl, String formBody) throws IOException, InterruptedException {
        return raw(method, pathOrUrl, formBody, Map.of());
    }

    /** {@link #raw(String, String, String)} with extra request headers, e.g. the ones a cross-site form post carries. */
    public HttpResponse<String> raw(String method, String pathOrUrl, String formBody, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(pathOrUrl)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        if (formBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(formBody));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens the admin area, lands on the login page and signs in with user name and password. */
    public Page login(String user, String password) throws IOException, InterruptedException {
        Page login = get("/admin/");
        assertEquals("/login", login.path(), "an anonymous visitor is sent to the login page");
        return press(login, "Login", Map.of("j_username", user, "j_password", password));
    }

    /** {@link #login} for an administrator with a second factor: asserts that the password leads to the token page. */
    public Page loginToTokenPage(String user, String password) throws IOException, InterruptedException {
        Page page = login(user, password);
        assertTrue(page.path().startsWith("/totpguard/"), "password alone is not enough: " + page.path());
        return page;
    }

    /** Types {@code code} into the "Token Code" field of TOTP Guard's token page and presses "Verify". */
    public Page enterTokenCode(Page tokenPage, String code) throws IOException, InterruptedException {
        return press(tokenPage, "Verify", Map.of(tokenPage.labelled("Token Code").attr("name"), code));
    }

    /** Presses "Log Out" on an admin page. */
    public Page logout(Page page) throws IOException, InterruptedException {
        return press(page, "Log Out", Map.of());
    }

    public Page click(Page page, String linkText) throws IOException, InterruptedException {
        return get(page.link(linkText).absUrl("href"));
    }

    /**
     * Presses the button labelled {@code label}: sends its form (the one named by its {@code form} attribute, or
     * the enclosing one) with every field's current value, {@code values} typed over them, and the button's own
     * name and value.
     */
    public Page press(Page page, String label, Map<String, String> values) throws IOException, InterruptedException {
        Element button = page.button(label);
        Element form = button.hasAttr("form") ? page.document().getElementById(button.attr("form")) : button.closest("form");
        assertNotNull(form, "button '" + label + "' belongs to no form");
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[name], textarea[name], select[name]")) {
            String type = input.attr("type");
            if (type.equals("checkbox") || type.equals("radio")) {
                if (input.hasAttr("checked")) {
                    fields.put(input.attr("name"), input.hasAttr("value") ? input.attr("value") : "on");
                }
            } else {
                fields.put(input.attr("name"), input.val());
            }
        }
        fields.putAll(values);
        if (button.hasAttr("name")) {
            fields.put(button.attr("name"), button.attr("value"));
        }
        String action = form.hasAttr("action") ? form.absUrl("action") : page.uri().toString();
        return post(action, fields);
    }

    public Page post(String pathOrUrl, Map<String, String> fields) throws IOException, InterruptedException {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(pathOrUrl))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return follow(send(request), new ArrayList<>());
    }

    /**
     * Forgets every cookie, as a new private browser window would: the next request starts a new session. Lets one
     * client (and its connection pool) serve many sessions one after another, as the load test's virtual admins do.
     */
    public void newSession() {
        cookies.getCookieStore().removeAll();
    }

    /**
     * The same browser (this cookie jar, shared from now on) talking to {@code otherBase}, as when a load balancer
     * sends its next request to another node. Cookies without a {@code Domain} belong to the host, not the port, so
     * another port on the same host name gets them, as in a browser.
     */
    public WebClient sameBrowserAt(String otherBase) {
        return new WebClient(otherBase, cookies, acceptLanguage);
    }

    /** Puts a session cookie with this value into the jar for this client's host, as someone replaying an old one would. */
    public void useSessionId(String sessionId) {
        HttpCookie cookie = new HttpCookie("JSESSIONID", sessionId);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), cookie);
    }

    /** The value of the cookie {@code name} the server set, Secure ones included, or empty. */
    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst();
    }

    /**
     * Puts a cookie for this client's host into the jar, sent over plain HTTP too: for a {@code Secure} cookie that a real
     * browser would send back over TLS, which java.net.http's cookie handler rightly keeps off {@code http:}.
     */
    public void useCookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), cookie);
    }

    /** The value of the session cookie, or empty. */
    public Optional<String> sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID")).map(HttpCookie::getValue).findFirst();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Page follow(HttpResponse<String> response, List<URI> redirects) throws IOException, InterruptedException {
        while (response.statusCode() == 301 || response.statusCode() == 302 || response.statusCode() == 303 || response.statusCode() == 307) {
            assertEquals(true, redirects.size() < 10, "redirect loop: " + redirects);
            URI location = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            redirects.add(location);
            response = send(HttpRequest.newBuilder(location).GET());
        }
        return new Page(response.statusCode(), response.uri(), Jsoup.parse(response.body(), response.uri().toString()), response, redirects);
    }

    private URI resolve(String pathOrUrl) {
        return pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : URI.create(base + pathOrUrl);
    }
}
