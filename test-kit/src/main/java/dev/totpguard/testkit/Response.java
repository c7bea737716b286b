package dev.totpguard.testkit;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One HTTP response as a {@link Browser} saw it: status, headers, body, and where a redirect points. */
public final class Response {

    private static final Pattern CSRF = Pattern.compile("name=\"totpguard_csrf\" value=\"([^\"]+)\"");

    private final int status;
    private final Map<String, List<String>> headers;
    private final String body;
    private final URI uri;

    Response(int status, HttpHeaders headers, String body, URI uri) {
        this(status, headers.map(), body, uri);
    }

    Response(int status, Map<String, List<String>> headers, String body, URI uri) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.uri = uri;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    /** The request URI that produced this response. */
    public URI uri() {
        return uri;
    }

    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return Optional.of(entry.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    public List<String> headers(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return List.of();
    }

    public boolean isRedirect() {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The redirect target resolved against the request URI; fails if this is not a redirect. */
    public URI location() {
        if (!isRedirect()) {
            throw new AssertionError("expected a redirect, got " + this);
        }
        return uri.resolve(header("Location").orElseThrow(() -> new AssertionError("redirect without Location: " + this)));
    }

    /** The Location header exactly as the server sent it, or "" (to assert its exact spelling). */
    public String locationHeader() {
        return header("Location").orElse("");
    }

    /** The CSRF token of the first form on the page. */
    public String csrf() {
        Matcher matcher = CSRF.matcher(body);
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in " + this);
        }
        return matcher.group(1);
    }

    /** The first match of a regular expression's group 1 in the body. */
    public String find(String regex) {
        Matcher matcher = Pattern.compile(regex, Pattern.DOTALL).matcher(body);
        if (!matcher.find()) {
            throw new AssertionError("no match for " + regex + " in " + this);
        }
        return matcher.group(1);
    }

    @Override
    public String toString() {
        String shown = body.length() > 600 ? body.substring(0, 600) + "..." : body;
        return status + " for " + uri + (isRedirect() ? " -> " + header("Location").orElse("?") : "") + "\n" + shown;
    }
}
