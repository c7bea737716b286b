package dev.totpguard.example.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.web.TrustedProxies;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher's {@code --trusted-proxies} over real HTTP on the launcher's Jetty: from a listed proxy the forwarded
 * client address reaches the application and an https client gets a {@code Secure} session cookie; from any other
 * peer the same headers change nothing (issue 13 item 3).
 */
class TrustedProxyCustomizerTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void forwardingHeadersCountOnlyFromATrustedProxy(boolean loopbackTrusted) throws Exception {
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new TrustedProxyCustomizer(TrustedProxies.parse(loopbackTrusted ? "127.0.0.1, ::1" : "192.0.2.0/24")));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/", ServletContextHandler.SESSIONS);
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                request.getSession(true);
                response.getWriter().print(request.getRemoteAddr() + " " + request.isSecure());
            }
        }), "/*");
        server.setHandler(context);
        server.start();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"))
                    .header("X-Forwarded-For", "203.0.113.66, 198.51.100.7").header("X-Forwarded-Proto", "https").build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = response.headers().firstValue("Set-Cookie").orElse("");
            if (loopbackTrusted) {
                assertEquals("198.51.100.7 true", response.body());
                assertTrue(cookie.contains("Secure"), cookie);
            } else {
                assertEquals("127.0.0.1 false", response.body());
                assertFalse(cookie.contains("Secure"), cookie);
            }
        } finally {
            server.stop();
        }
    }
}
