package dev.totpguard.jaspic;

import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.PageLayout;
import jakarta.security.auth.message.MessageInfo;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the responses {@link TotpServerAuthModule} sends itself (its pages, redirects, errors) with the
 * headers the filter's pages carry ({@link PageLayout}): {@code Cache-Control: no-store}, {@code Referrer-Policy:
 * no-referrer}, {@code nosniff}, {@code X-Frame-Options: DENY} and a CSP with {@code default-src 'none'} and
 * {@code frame-ancestors 'none'}. Portable through the servlet API, with the
 * Jetty 12 completion in {@link JettyResponses}. Stateless.
 */
final class Responses {

    private static final String JETTY_MESSAGE_INFO = "org.eclipse.jetty.";

    private Responses() {
    }

    /** A page of the module, with the CSP its {@code branding} needs ({@link PageLayout#contentSecurityPolicy}). */
    static void page(MessageInfo messageInfo, Branding branding, int status, String html) throws IOException {
        HttpServletResponse response = (HttpServletResponse) messageInfo.getResponseMessage();
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        finish(messageInfo, response, html, branding);
    }

    /** 303 See Other to a path this module built (never a URL taken from the request). */
    static void redirect(MessageInfo messageInfo, String location) throws IOException {
        HttpServletResponse response = (HttpServletResponse) messageInfo.getResponseMessage();
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
        finish(messageInfo, response, "", Branding.none());
    }

    private static void finish(MessageInfo messageInfo, HttpServletResponse response, String body, Branding branding)
            throws IOException {
        PageLayout.protectiveHeaders().forEach(response::setHeader);
        // No script on any of the module's pages: no nonce.
        response.setHeader("Content-Security-Policy", PageLayout.contentSecurityPolicy(null, branding));
        if (isJetty(messageInfo)) {
            try {
                JettyResponses.finish(messageInfo, body);
                return;
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IOException("Cannot complete the response through Jetty", e);
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    /** True for Jetty's {@code JaspiMessageInfo} (any EE level), recognised by name so nothing of Jetty loads. */
    static boolean isJetty(MessageInfo messageInfo) {
        String name = messageInfo.getClass().getName();
        return name.startsWith(JETTY_MESSAGE_INFO) && name.endsWith(".JaspiMessageInfo");
    }
}
