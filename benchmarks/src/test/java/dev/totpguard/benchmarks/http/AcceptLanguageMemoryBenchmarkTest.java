package dev.totpguard.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Accept-Language memory benchmark's parts, without a server and without measuring. */
class AcceptLanguageMemoryBenchmarkTest {

    private static final String HISTOGRAM = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          5523         456720  [B (java.base@17.0.15)
               2:          5254         126096  java.lang.String (java.base@17.0.15)
               3:           100          54320  [Lorg.eclipse.jetty.util.ArrayTrie$Node;
               4:             1             16  jdk.internal.reflect.GeneratedConstructorAccessor1 (java.base@17.0.15)
            Total         10878         637152
            """;

    @Test
    void theAttackSends60000DistinctTagsThatAreEachOneHeaderLine() {
        InetSocketAddress server = InetSocketAddress.createUnresolved("127.0.0.1", 8080);
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < 60_000; i++) {
            String tag = AcceptLanguageMemoryBenchmark.distinctTag(i);
            tags.add(tag);
            KeepAliveConnection.getRequest(server, AcceptLanguageMemoryBenchmark.PATH, "Accept-Language", tag);
        }
        assertEquals(60_000, tags.size());
        String request = new String(KeepAliveConnection.getRequest(server, AcceptLanguageMemoryBenchmark.PATH, "Accept-Language",
                AcceptLanguageMemoryBenchmark.distinctTag(1)), StandardCharsets.US_ASCII);
        assertTrue(request.startsWith("GET /totpguard/no-such-page HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nAccept-Language: en-lflt, x1;q=0.5\r\n"), request);
        assertTrue(!request.contains("Cookie") && request.endsWith("\r\n\r\n"), request);
        assertThrows(IllegalArgumentException.class,
                () -> KeepAliveConnection.getRequest(server, "/a", "Accept-Language", "en\r\nCookie: x=y"));
        assertThrows(IllegalArgumentException.class, () -> KeepAliveConnection.getRequest(server, "/a", "X: Y", "en"));
    }

    @Test
    void theRetainedFiguresAreTheHistogramsTotalAndRows() throws IOException {
        ServerHeap.Retained retained = ServerHeap.retained(700_000, HISTOGRAM);

        assertEquals(700_000, retained.usedAfterGc());
        assertEquals(637_152, retained.liveBytes());
        assertEquals(10_878, retained.liveInstances());
        assertEquals(Map.of("[B (java.base@17.0.15)", 456_720L, "java.lang.String (java.base@17.0.15)", 126_096L,
                "[Lorg.eclipse.jetty.util.ArrayTrie$Node;", 54_320L,
                "jdk.internal.reflect.GeneratedConstructorAccessor1 (java.base@17.0.15)", 16L), retained.bytesByClass());
    }

    @Test
    void aHistogramWhoseRowsWereNotAllReadIsRefused() {
        assertThrows(IOException.class, () -> ServerHeap.retained(1, HISTOGRAM.replace("   2:", "   2 ")));
        assertThrows(IOException.class, () -> ServerHeap.retained(1, HISTOGRAM.replace("Total", "Sum")));
    }
}
