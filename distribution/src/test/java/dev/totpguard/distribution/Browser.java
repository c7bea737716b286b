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

    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

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
