package dev.totpguard.benchmarks.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one HTTP/1.1 response after another from a kept-alive connection: the status line, the headers it needs
 * ({@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection: close}) and the body, which it
 * skips and counts. Byte by byte into one reused line buffer, so reading a response allocates only the small
 * {@link Response} it returns: the load client has one core for all its threads and should spend it on sending,
 * not on garbage. Not thread-safe;
 * one per connection.
 */
public final class HttpResponseReader {

    /** What the load client keeps of a response. */
    public record Response(int status, long bodyBytes, boolean connectionClose) {
    }

    private static final int MAX_LINE = 8192;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;

    /** @param in a buffered stream: this reader reads it one byte at a time */
    public HttpResponseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads one complete response to a request that was not {@code HEAD}.
     *
     * @throws EOFException if the connection ends before a whole response arrived
     * @throws IOException if the response is not well-formed HTTP/1.1
     */
    public Response read() throws IOException {
        readLine();
        if (lineLength < 12 || !startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + text());
        }
        int status = digits(9, 12);
        boolean http10 = line[7] == '0';
        long contentLength = -1;
        boolean chunked = false;
        boolean close = http10;
        while (true) {
            readLine();
            if (lineLength == 0) {
                break;
            }
            if (headerIs("content-length")) {
                contentLength = numericValue("content-length".length() + 1);
            } else if (headerIs("transfer-encoding")) {
                chunked = valueContains("transfer-encoding".length() + 1, "chunked");
            } else if (headerIs("connection")) {
                int start = "connection".length() + 1;
                close = valueContains(start, "close") || (http10 && !valueContains(start, "keep-alive"));
            }
        }
        long body;
        if (status / 100 == 1 || status == 204 || status == 304) {
            body = 0;
        } else if (chunked) {
            body = skipChunks();
        } else if (contentLength >= 0) {
            skipExactly(contentLength);
            body = contentLength;
        } else {
            // Neither length nor chunks: the body ends with the connection.
            body = 0;
            while (in.read() >= 0) {
                body++;
            }
            close = true;
        }
        return new Response(status, body, close);
    }

    private long skipChunks() throws IOException {
        long total = 0;
        while (true) {
            readLine();
            long size = 0;
            int digits = 0;
            for (int i = 0; i < lineLength && line[i] != ';' && line[i] != ' '; i++) {
                int digit = Character.digit(line[i], 16);
                if (digit < 0 || ++digits > 15) {
                    throw new IOException("bad chunk size line: " + text());
                }
                size = size * 16 + digit;
            }
            if (digits == 0) {
                throw new IOException("bad chunk size line: " + text());
            }
            if (size == 0) {
                // Trailer fields, if any, up to the empty line.
                do {
                    readLine();
                } while (lineLength > 0);
                return total;
            }
            skipExactly(size);
            total += size;
            readLine();
            if (lineLength != 0) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void skipExactly(long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection ended inside a response body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** One line without its CRLF (a bare LF is accepted too) into {@link #line}. */
    private void readLine() throws IOException {
        lineLength = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended inside a response head");
            }
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return;
            }
            if (lineLength == MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            line[lineLength++] = (byte) b;
        }
    }

    private int digits(int from, int to) throws IOException {
        int value = 0;
        for (int i = from; i < to; i++) {
            if (line[i] < '0' || line[i] > '9') {
                throw new IOException("bad status code in: " + text());
            }
            value = value * 10 + (line[i] - '0');
        }
        return value;
    }

    private boolean startsWith(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the current line is the header {@code lowerCaseName}, compared without regard to case. */
    private boolean headerIs(String lowerCaseName) {
        int n = lowerCaseName.length();
        if (lineLength <= n || line[n] != ':') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = line[i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The decimal value of the current header line, whose value starts at {@code from}. */
    private long numericValue(int from) throws IOException {
        long value = 0;
        int digits = 0;
        for (int i = from; i < lineLength; i++) {
            byte c = line[i];
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c < '0' || c > '9' || ++digits > 18) {
                throw new IOException("bad number in header: " + text());
            }
            value = value * 10 + (c - '0');
        }
        if (digits == 0) {
            throw new IOException("empty number in header: " + text());
        }
        return value;
    }

    /** Whether the value of the current header line (from {@code from}) contains {@code lowerCaseWord}, ignoring case. */
    private boolean valueContains(int from, String lowerCaseWord) {
        int n = lowerCaseWord.length();
        for (int start = from; start + n <= lineLength; start++) {
            int i = 0;
            while (i < n) {
                int c = line[start + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lowerCaseWord.charAt(i)) {
                    break;
                }
                i++;
            }
            if (i == n) {
                return true;
            }
        }
        return false;
    }

    private String text() {
        return new String(line, 0, Math.min(lineLength, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
