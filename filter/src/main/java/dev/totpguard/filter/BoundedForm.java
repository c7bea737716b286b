package dev.totpguard.filter;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A POST body that declares no length (HTTP/1.1 {@code Transfer-Encoding: chunked}, or HTTP/2 without
 * {@code content-length}), read by the filter itself with the same bound as a declared one, because the containers'
 * own form parsing would read far more (Tomcat up to {@code maxPostSize}, 2 MB; Jetty up to its form limit) before
 * the filter could refuse it. {@link #read} reads at most {@code limit + 1} bytes: more is refused, so memory stays
 * bounded whatever the client sends. Within the bound, the request is wrapped so that its parameters come from the
 * buffered {@code application/x-www-form-urlencoded} body (plus the query string), as the container would have
 * parsed them; any other content type has no body parameters (none of the filter's forms sends one).
 */
final class BoundedForm extends HttpServletRequestWrapper {

    private final byte[] body;
    private final Map<String, String[]> parameters;

    private BoundedForm(HttpServletRequest request, byte[] body, Map<String, String[]> parameters) {
        super(request);
        this.body = body;
        this.parameters = parameters;
    }

    /**
     * Reads the body of {@code request}, which declares no length.
     *
     * @return the request with its parameters parsed from the buffered body, or {@code null} if the body is longer
     *     than {@code limit} bytes (then at most {@code limit + 1} bytes were read and the rest is left unread)
     * @throws IOException if the body cannot be read (the client went away)
     */
    static BoundedForm read(HttpServletRequest request, long limit) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            readAtMost(request.getInputStream(), limit + 1, buffer);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (buffer.size() > limit) {
            return null;
        }
        byte[] body = buffer.toByteArray();
        Charset charset = charset(request.getCharacterEncoding());
        Map<String, List<String>> values = new LinkedHashMap<>();
        parse(request.getQueryString(), StandardCharsets.UTF_8, values);
        String contentType = request.getContentType();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            parse(new String(body, charset), charset, values);
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        values.forEach((name, list) -> parameters.put(name, list.toArray(new String[0])));
        return new BoundedForm(request, body, Collections.unmodifiableMap(parameters));
    }

    /**
     * Reads at most {@code limit} bytes of {@code in} into {@code out} (or drops them, for a {@code null} {@code out}):
     * the one bounded read of a request body, for a form read here and for a refused body drained so the connection
     * can carry the next request.
     */
    static void readAtMost(InputStream in, long limit, OutputStream out) throws IOException {
        byte[] chunk = new byte[4096];
        long left = limit;
        int read;
        while (left > 0 && (read = in.read(chunk, 0, (int) Math.min(chunk.length, left))) > 0) {
            if (out != null) {
                out.write(chunk, 0, read);
            }
            left -= read;
        }
    }

    private static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** {@code a=1&b=2}; a pair with a malformed escape is left out, as a form the container could not parse. */
    private static void parse(String text, Charset charset, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                into.computeIfAbsent(URLDecoder.decode(name, charset), key -> new ArrayList<>())
                        .add(URLDecoder.decode(value, charset));
            } catch (IllegalArgumentException malformed) {
                // skipped: the form then lacks that field and is refused like any incomplete form
            }
        }
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters.get(name);
        return values == null ? null : values.clone();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters.keySet());
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] target, int offset, int length) {
                return in.read(target, offset, length);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("The body was already read by TOTP Guard's filter");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(getInputStream(), charset(getCharacterEncoding())));
    }
}
