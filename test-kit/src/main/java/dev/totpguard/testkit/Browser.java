package dev.totpguard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One browser: its own cookie jar, a timeout on every request, and no redirect followed by itself, so a test sees
 * and asserts every 302/303; {@link #open(URI)}, {@link #submit(URI, Map)} and {@link #getBasicWithin} follow them
 * as a person's browser does. Paths are relative to the base given at construction (usually the context path).
 * {@link #raw(String, String)} sends a request line exactly as given, for URIs that java.net.http would refuse or
 * normalise. Not thread-safe: one per simulated person.
 */
public final class Browser {

    /** Bodies above this size are sent with {@code Expect: 100-continue}. */
    private static final int LARGE_BODY = 64 * 1024;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** More redirects than any login takes: a longer chain is a loop. */
    private static final int MAX_REDIRECTS = 8;

    private final URI base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;

    /** A browser for tests that pass absolute URIs only; its cookies are all the cookies it was given. */
    public Browser() {
        this(null);
    }

    /** A browser whose relative paths, {@link #cookie(String)} and {@link #raw(String, String)} refer to {@code base}. */
    public Browser(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI base() {
        return base;
    }

    public URI uri(String path) {
        if (base == null) {
            throw new IllegalStateException("this browser has no base URI: pass an absolute URI");
        }
        return URI.create(base + path);
    }

    public Response get(String path) {
        return send("GET", uri(path), null, Map.of());
    }

    /** A GET with extra request headers ({@code Accept-Language}, ...). */
    public Response get(String path, Map<String, String> headers) {
        return send("GET", uri(path), null, headers);
    }

    public Response get(URI uri) {
        return send("GET", uri, null, Map.of());
    }

    public Response post(String path, Map<String, String> form) {
        return post(path, form, Map.of());
    }

    /** POSTs a form given as names and values in turn: {@code post("/login", "j_username", "alice", ...)}. */
    public Response post(String path, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return post(path, form);
    }

    public Response post(String path, Map<String, String> form, Map<String, String> headers) {
        return send("POST", uri(path), form, headers);
    }

    public Response send(String method, String path) {
        return send(method, uri(path), null, Map.of());
    }

    /** GETs the Location of a redirect. */
    public Response follow(Response redirect) {
        return get(redirect.location());
    }

    /** GETs {@code url} as a person's browser does: redirects followed; fails on a redirect loop. */
    public Response open(URI url) {
        return followRedirects(get(url), url, null, null, null);
    }

    /** POSTs a form as a person's browser does: the redirect after it followed with GETs; fails on a loop. */
    public Response submit(URI url, Map<String, String> form) {
        Response response = send("POST", url, form, Map.of());
        if (response.status() == 307 || response.status() == 308) {
            throw new AssertionError("a " + response.status() + " after a POST would repeat the POST; not supported: " + response);
        }
        return followRedirects(response, url, null, null, null);
    }

    /**
     * A GET with HTTP BASIC credentials, which a browser sends again with every request once typed; redirects
     * followed.
     */
    public Response getBasic(URI url, String user, String password) {
        return getBasicWithin(url, url.resolve("/"), user, password);
    }

    /**
     * A GET as a browser makes it once the user has typed BASIC credentials for the protection space {@code space}:
     * redirects followed, the credentials sent only to URLs under {@code space} (browsers send them preemptively
     * there and nowhere else). Fails on a redirect loop.
     */
    public Response getBasicWithin(URI url, URI space, String user, String password) {
        String credentials = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return followRedirects(null, url, space, credentials, new StringBuilder());
    }

    /**
     * Follows redirects with GETs from {@code first} (or from a GET of {@code url} when {@code first} is null),
     * sending {@code authorization} to URLs under {@code space}.
     */
    private Response followRedirects(Response first, URI url, URI space, String authorization, StringBuilder hops) {
        StringBuilder path = hops == null ? new StringBuilder() : hops;
        Response response = first;
        URI next = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (response == null) {
                boolean inSpace = authorization != null && next.getPath().startsWith(space.getPath());
                response = send("GET", next, null, inSpace ? Map.of("Authorization", authorization) : Map.of());
            }
            if (!response.isRedirect() || response.header("Location").isEmpty()) {
                return response;
            }
            path.append(next.getPath()).append(" -> ");
            next = response.location();
            response = null;
        }
        throw new AssertionError("redirect loop: " + path + next.getPath());
    }

    public Response send(String method, URI uri, Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
        headers.forEach(request::header);
        if (form != null) {
            byte[] body = encode(form).getBytes(StandardCharsets.UTF_8);
            if (body.length > LARGE_BODY) {
                return sendExpectingContinue(method, uri, "application/x-www-form-urlencoded", body, headers);
            }
            request.header("Content-Type", "application/x-www-form-urlencoded");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else if (method.equals("GET")) {
            request.GET();
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body(), uri);
        } catch (IOException e) {
            throw new AssertionError(method + " " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * POSTs a body exactly as given with the given content type (JSON, multipart, a form with repeated or
     * raw-encoded parameters, bytes that are not UTF-8).
     */
    public Response postBody(String path, String contentType, byte[] body, Map<String, String> headers) {
        if (body.length > LARGE_BODY) {
            return sendExpectingContinue("POST", uri(path), contentType, body, headers);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body(), uri(path));
        } catch (IOException e) {
            throw new AssertionError("POST " + path + " (" + contentType + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * POSTs {@code body} with {@code Transfer-Encoding: chunked} (no declared length), in 4 KiB chunks, over a plain
     * socket. The answer is read while the body is still being written, because a server may refuse the body after
     * reading part of it and close the connection; writing then fails and is stopped, and the answer is what counts.
     */
    public Response postChunked(String path, String contentType, byte[] body, Map<String, String> headers) {
        URI uri = uri(path);
        String head = socketRequestHead("POST", uri, uri.getRawPath(),
                List.of("Content-Type: " + contentType, "Transfer-Encoding: chunked", "Connection: close"), headers);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    socket.getInputStream().transferTo(answer);
                } catch (IOException ignored) {
                    // a reset after the answer: what arrived is kept
                }
            }, "chunked-post-reader");
            reader.start();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                for (int offset = 0; offset < body.length; offset += 4096) {
                    int length = Math.min(4096, body.length - offset);
                    out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body, offset, length);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException refusedWhileWriting) {
                // the server answered early and closed; its answer is being read
            }
            reader.join(20_000);
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            List<String> setCookies = new ArrayList<>();
            int headerEnd = text.indexOf("\r\n\r\n");
            for (String line : (headerEnd < 0 ? text : text.substring(0, headerEnd)).split("\r\n")) {
                if (line.regionMatches(true, 0, "Set-Cookie:", 0, "Set-Cookie:".length())) {
                    setCookies.add(line.substring("Set-Cookie:".length()).strip());
                }
            }
            cookies.put(uri, Map.of("Set-Cookie", setCookies));
            return parse(text, uri, uri.getRawPath());
        } catch (IOException e) {
            throw new AssertionError("chunked POST " + path + " (" + body.length + " bytes) failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The current value of a cookie the server set, or null. */
    public String cookie(String name) {
        for (HttpCookie cookie : cookiesForBase()) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    public List<HttpCookie> cookies() {
        return new ArrayList<>(cookiesForBase());
    }

    private List<HttpCookie> cookiesForBase() {
        return base == null ? cookies.getCookieStore().getCookies() : cookies.getCookieStore().get(base);
    }

    /** Forgets all cookies, like a new browser. */
    public void clearCookies() {
        cookies.getCookieStore().removeAll();
    }

    /** Sets a cookie as if the server had set it (a pre-fixed session id, attack case 18). */
    public void setCookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath(base.getPath());
        cookie.setVersion(0);
        cookies.getCookieStore().add(base, cookie);
    }

    /**
     * Sends {@code METHOD target HTTP/1.1} over a plain socket with this browser's cookies, exactly as
     * written: no normalisation, no encoding.
     */
    public Response raw(String method, String target) {
        String request = socketRequestHead(method, base, target, List.of("Connection: close"), Map.of());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return parse(bytes.toString(StandardCharsets.ISO_8859_1), base, target);
        } catch (IOException e) {
            throw new AssertionError("raw " + method + " " + target + " failed", e);
        }
    }

    /**
     * Sends a large body the way a careful client does: headers first with {@code Expect: 100-continue}, the body
     * only after the server's {@code 100 Continue}. A server may refuse a large body early (413) and close the
     * connection while the client is still writing it (RFC 9112 section 9.6); a client that writes first then sees a
     * reset instead of the answer, depending on timing. Over a plain socket because the JDK 17 client's
     * {@code expectContinue} waits forever when the answer is not 100.
     */
    private Response sendExpectingContinue(String method, URI uri, String contentType, byte[] body,
            Map<String, String> headers) {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String head = socketRequestHead(method, uri, target, List.of("Content-Type: " + contentType,
                "Content-Length: " + body.length, "Expect: 100-continue", "Connection: close"), headers);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            while (!first.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    throw new AssertionError(method + " " + uri + ": connection closed before an answer");
                }
                first.write(next);
            }
            String interim = first.toString(StandardCharsets.ISO_8859_1);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            if (interim.startsWith("HTTP/1.1 100")) {
                // Tomcat sends 100 Continue before the application runs, so the filter may still refuse the body
                // (413) and close while it is being written: read the answer meanwhile, and stop writing on a broken
                // pipe; the answer is what counts (it was lost to the reset before, failing the test now and then).
                Thread reader = new Thread(() -> {
                    try {
                        in.transferTo(answer);
                    } catch (IOException ignored) {
                        // a reset after the answer: what arrived is kept
                    }
                }, "continue-post-reader");
                reader.start();
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException refusedWhileWriting) {
                    // the server answered early and closed; its answer is being read
                }
                reader.join(20_000);
            } else {
                answer.writeBytes(first.toByteArray());
                in.transferTo(answer);
            }
            return parse(answer.toString(StandardCharsets.ISO_8859_1), uri, uri.getRawPath());
        } catch (IOException e) {
            throw new AssertionError(method + " " + uri + " (" + body.length + " bytes) failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The head of a request written over a plain socket, exactly as given: the request line with {@code target},
     * Host, the header lines {@code fields}, this browser's cookies, {@code headers}, and the blank line.
     */
    private String socketRequestHead(String method, URI uri, String target, List<String> fields, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        fields.forEach(field -> head.append(field).append("\r\n"));
        StringJoiner cookieHeader = new StringJoiner("; ");
        for (HttpCookie cookie : cookiesForBase()) {
            cookieHeader.add(cookie.getName() + "=" + cookie.getValue());
        }
        if (cookieHeader.length() > 0) {
            head.append("Cookie: ").append(cookieHeader).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString();
    }

    /** Parses a response read from a socket; {@code origin} gives scheme, host and port of the request. */
    private static Response parse(String text, URI origin, String target) {
        int headerEnd = text.indexOf("\r\n\r\n");
        String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
        String body = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
        String[] lines = head.split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.")) {
            throw new AssertionError("not an HTTP response to " + target + ": " + text);
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
        }
        for (String line : lines) {
            if (line.toLowerCase(java.util.Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked")) {
                body = dechunk(body);
            }
        }
        URI uri;
        try {
            uri = URI.create(origin.getScheme() + "://" + origin.getHost() + ":" + origin.getPort() + target);
        } catch (IllegalArgumentException e) {
            uri = origin;
        }
        return new Response(status, headers, body, uri);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int position = 0;
        while (position < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", position);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = chunked.substring(position, lineEnd).split(";")[0].strip();
            int size = sizeText.isEmpty() ? 0 : Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.append(chunked, start, Math.min(chunked.length(), start + size));
            position = start + size + 2;
        }
        return out.toString();
    }

    private static String encode(Map<String, String> form) {
        StringJoiner joined = new StringJoiner("&");
        form.forEach((name, value) -> joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joined.toString();
    }
}
