package dev.totpguard.benchmarks.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One kept-alive HTTP/1.1 connection over loopback that sends the same prepared GET again and again, or another
 * prepared GET per call ({@link #send(byte[])}), with blocking I/O and {@code TCP_NODELAY}, and reads each response
 * with {@link HttpResponseReader}. When the server closes the connection it is opened again before the next request.
 * Not thread-safe; one per load thread.
 */
public final class KeepAliveConnection implements AutoCloseable {

    private final InetSocketAddress server;
    private final byte[] request;
    private final int timeoutMillis;
    private Socket socket;
    private OutputStream out;
    private HttpResponseReader reader;

    /**
     * @param cookie the {@code Cookie} header's value, e.g. {@code JSESSIONID=...}
     */
    public KeepAliveConnection(InetSocketAddress server, String path, String cookie, int timeoutMillis) {
        this(server, getRequest(server, path, cookie), timeoutMillis);
    }

    /** @param request what {@link #get()} sends, from {@link #getRequest(InetSocketAddress, String, String, String)} */
    KeepAliveConnection(InetSocketAddress server, byte[] request, int timeoutMillis) {
        this.server = server;
        this.timeoutMillis = timeoutMillis;
        this.request = request.clone();
    }

    /** The bytes of the GET that every call of {@link #get()} sends. */
    static byte[] getRequest(InetSocketAddress server, String path, String cookie) {
        return getRequest(server, path, "Cookie", cookie);
    }

    /**
     * The bytes of a GET of {@code path} with one more header, e.g. {@code Cookie} or {@code Accept-Language}, for
     * {@link #send(byte[])}; a value with control characters (a way to inject headers) is refused.
     */
    static byte[] getRequest(InetSocketAddress server, String path, String headerName, String headerValue) {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalArgumentException("the path must start with / and hold no spaces or control characters: " + path);
        }
        if (headerValue.chars().anyMatch(c -> c < ' ' || c >= 127) || headerName.chars().anyMatch(c -> c <= ' ' || c >= 127 || c == ':')) {
            throw new IllegalArgumentException("the " + headerName + " header holds control characters");
        }
        return ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + server.getHostString() + ":" + server.getPort() + "\r\n"
                + "User-Agent: totpguard-http-benchmark\r\n"
                + "Accept: text/html\r\n"
                + headerName + ": " + headerValue + "\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the GET and reads the whole response; opens the connection first when needed. */
    public HttpResponseReader.Response get() throws IOException {
        return send(request);
    }

    /**
     * Sends another prepared request (from {@link #getRequest(InetSocketAddress, String, String, String)}, to the
     * same server) and reads the whole response; opens the connection first when needed.
     */
    public HttpResponseReader.Response send(byte[] otherRequest) throws IOException {
        if (socket == null) {
            open();
        }
        try {
            out.write(otherRequest);
            out.flush();
            HttpResponseReader.Response response = reader.read();
            if (response.connectionClose()) {
                close();
            }
            return response;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void open() throws IOException {
        Socket opened = new Socket();
        try {
            opened.setTcpNoDelay(true);
            opened.setSoTimeout(timeoutMillis);
            opened.connect(server, timeoutMillis);
            out = new BufferedOutputStream(opened.getOutputStream(), Math.max(request.length, 1024));
            reader = new HttpResponseReader(new BufferedInputStream(opened.getInputStream(), 16 * 1024));
            socket = opened;
        } catch (IOException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a loopback socket that failed: nothing left to do.
            }
            socket = null;
            out = null;
            reader = null;
        }
    }
}
