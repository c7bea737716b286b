package dev.totpguard.distribution;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** One browser: its own cookies, follows redirects, a timeout on every request. Not thread-safe. */
final class Browser {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** More redirects than any login takes: a longer chain is a loop. */
    private static final int MAX_REDIRECTS = 8;

    private final CookieManager cookies = new CookieManager();
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpClient stepping = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(URI url) throws Exception {
        return client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with HTTP BASIC credentials, which a browser sends again with every request once typed. */
    HttpResponse<String> getBasic(URI url, String user, String password) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Authorization", "Basic " + credentials).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET as a browser makes it once the user has typed BASIC credentials for the protection space {@code space}:
     * redirects followed, the credentials sent only to URLs under {@code space} (browsers send them preemptively
     * there and nowhere else). Fails on a redirect loop.
     */
    HttpResponse<String> getBasicWithin(URI url, URI space, String user, String password) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        URI next = url;
        StringBuilder hops = new StringBuilder();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(next).timeout(TIMEOUT);
            if (next.getPath().startsWith(space.getPath())) {
                request.header("Authorization", "Basic " + credentials);
            }
            HttpResponse<String> response = stepping.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("Location").orElse(null);
            if (response.statusCode() / 100 != 3 || location == null) {
                return response;
            }
            hops.append(next.getPath()).append(" -> ");
            next = next.resolve(location);
        }
        throw new AssertionError("redirect loop: " + hops + next.getPath());
    }

    HttpResponse<String> postForm(URI url, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** FORM login as a person does it: open the protected page (the login page comes), then post the form. */
    HttpResponse<String> formLogin(URI app, String user, String password, String totpField) throws Exception {
        HttpResponse<String> login = get(app.resolve("secret.html"));
        if (!login.body().contains(TestWebapp.LOGIN_PAGE)) {
            throw new AssertionError("expected the login page, got " + login.statusCode() + ": " + login.body());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("j_username", user);
        fields.put("j_password", password);
        if (totpField != null) {
            fields.put("j_totp", totpField);
        }
        return postForm(app.resolve("j_security_check"), fields);
    }
}
