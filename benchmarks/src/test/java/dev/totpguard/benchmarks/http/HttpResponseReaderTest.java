package dev.totpguard.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

    private static HttpResponseReader reader(String bytes) {
        return new HttpResponseReader(new BufferedInputStream(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void readsResponsesOneAfterAnotherFromAKeptAliveConnection() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 302 Found\r\nlocation: /login\r\ncontent-length: 0\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nCONTENT-LENGTH:  3 \r\nConnection: close\r\n\r\nbye");
        assertEquals(new HttpResponseReader.Response(200, 5, false), reader.read());
        assertEquals(new HttpResponseReader.Response(302, 0, false), reader.read(), "header names in any case");
        assertEquals(new HttpResponseReader.Response(503, 3, true), reader.read(), "Connection: close is reported");
        assertThrows(EOFException.class, reader::read, "nothing more on the connection");
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailers() throws IOException {
        HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals(new HttpResponseReader.Response(200, 4 + 26, false), reader.read());
        assertEquals(new HttpResponseReader.Response(204, 0, false), reader.read(), "the next response starts right after the trailers");
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnectionAndHttp10ClosesByDefault() throws IOException {
        assertEquals(new HttpResponseReader.Response(200, 7, true), reader("HTTP/1.0 200 OK\r\n\r\nuntil e").read());
        assertEquals(new HttpResponseReader.Response(200, 2, false),
                reader("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok").read());
        assertEquals(new HttpResponseReader.Response(304, 0, false), reader("HTTP/1.1 304 Not Modified\r\n\r\n").read(),
                "304 has no body even without a length");
    }

    @Test
    void aTruncatedOrMalformedResponseIsAnError() {
        assertThrows(EOFException.class, () -> reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").read());
        assertThrows(EOFException.class, () -> reader("HTTP/1.1 200 OK\r\nContent-Len").read());
        assertThrows(IOException.class, () -> reader("SSH-2.0-OpenSSH_9.2\r\n\r\n").read());
        assertThrows(IOException.class, () -> reader("HTTP/1.1 2x0 OK\r\n\r\n").read());
        assertThrows(IOException.class, () -> reader("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").read());
        assertThrows(IOException.class, () -> reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").read());
        assertThrows(IOException.class, () -> reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n").read());
        assertThrows(IOException.class, () -> reader("HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n").read());
    }

    @Test
    void theRequestIsOneGetWithTheSessionCookieAndNoWayToInjectHeaders() {
        InetSocketAddress server = InetSocketAddress.createUnresolved("127.0.0.1", 8080);
        String request = new String(KeepAliveConnection.getRequest(server, "/admin/help", "JSESSIONID=node01abc.node0"),
                StandardCharsets.US_ASCII);
        assertTrue(request.startsWith("GET /admin/help HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"), request);
        assertTrue(request.contains("\r\nCookie: JSESSIONID=node01abc.node0\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\n") && !request.substring(0, request.length() - 4).contains("\r\n\r\n"), request);
        assertThrows(IllegalArgumentException.class, () -> KeepAliveConnection.getRequest(server, "/a b", "c=d"));
        assertThrows(IllegalArgumentException.class, () -> KeepAliveConnection.getRequest(server, "admin", "c=d"));
        assertThrows(IllegalArgumentException.class, () -> KeepAliveConnection.getRequest(server, "/a", "c=d\r\nX-Evil: 1"));
    }
}
