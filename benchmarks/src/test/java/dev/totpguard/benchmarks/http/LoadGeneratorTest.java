package dev.totpguard.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a small HTTP/1.1 server on a loopback socket that answers every tenth request with
 * 302 and closes every fiftieth connection after its response: counts only, never times.
 */
class LoadGeneratorTest {

    private ServerSocket listener;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String lastCookie;

    @BeforeEach
    void startServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread connection = new Thread(() -> serve(socket), "test-server-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-server-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        listener.close();
    }

    private void serve(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = socket.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("Cookie: ")) {
                    lastCookie = line.substring(8);
                }
                if (!line.isEmpty()) {
                    continue;
                }
                int n = requests.incrementAndGet();
                boolean close = n % 50 == 0;
                String response = (n % 10 == 0 ? "HTTP/1.1 302 Found\r\nLocation: /totpguard/token\r\n" : "HTTP/1.1 200 OK\r\n")
                        + "Content-Length: 2\r\n" + (close ? "Connection: close\r\n" : "") + "\r\nok";
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client closed the connection.
        }
    }

    private LoadGenerator generator() {
        return new LoadGenerator(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), "/admin/help",
                "JSESSIONID=abc", 5_000);
    }

    @Test
    void anOpenLoopRunSendsEveryScheduledRequestOnceAndCountsTheNon2xxOnes() throws InterruptedException {
        OpenLoopSchedule schedule = new OpenLoopSchedule(System.nanoTime(), 4_000, 400);

        LoadRun run = generator().openLoop(schedule, 4);

        assertEquals(400, run.scheduled());
        assertEquals(400, run.completed(), run.firstProblem().orElse(""));
        assertEquals(400, requests.get(), "each request sent once, also across reopened connections");
        assertEquals(40, run.non2xx(), "every tenth answer was a 302");
        assertEquals(0, run.failed());
        assertFalse(run.clean());
        assertTrue(run.firstProblem().orElse("").startsWith("HTTP status 302"), run.firstProblem().orElse(""));
        assertEquals(2, run.lastBodyBytes());
        assertEquals("JSESSIONID=abc", lastCookie);
        for (int i = 0; i < run.completed(); i++) {
            assertTrue(run.latencyNanos()[i] > 0 && run.serviceNanos()[i] > 0 && run.serviceNanos()[i] <= run.latencyNanos()[i],
                    "request " + i + ": the latency from the intended time includes the time from the actual send");
        }
    }

    @Test
    void aClosedLoopRunCountsWhatItSentAndWhatCameBack() throws InterruptedException {
        LoadRun run = generator().closedLoop(2, 0.2);

        assertEquals(run.scheduled(), run.completed(), run.firstProblem().orElse(""));
        assertEquals(requests.get(), run.completed());
        assertEquals(run.completed() / 10, run.non2xx());
        assertEquals(0, run.failed());
    }

    @Test
    void requestsToAServerThatIsGoneFailInsteadOfHanging() throws IOException, InterruptedException {
        LoadGenerator generator = generator();
        listener.close();

        LoadRun run = generator.openLoop(new OpenLoopSchedule(System.nanoTime(), 1_000, 20), 2);

        assertEquals(0, run.completed());
        assertEquals(20, run.failed());
        assertFalse(run.clean());
        assertTrue(run.firstProblem().isPresent());
    }
}
