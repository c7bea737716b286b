package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The pages shown when something outside the request failed: a plain message and a 503, never a stack trace.
 * The cause goes to the log (messages of the store and of JDBC carry no secrets).
 */
final class ErrorPages {

    /** RFC 6585; the Servlet API has no constant for it. */
    static final int TOO_MANY_REQUESTS = 429;

    private static final System.Logger LOG = System.getLogger(ErrorPages.class.getName());

    private ErrorPages() {
    }

    static void unavailable(Pages pages, HttpServletRequest request, HttpServletResponse response, Exception cause) throws IOException {
        LOG.log(Level.WARNING, "Database unavailable for " + request.getMethod() + " " + request.getServletPath(), cause);
        response.setHeader("Retry-After", "30");
        pages.plain(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, new MessagePage(Text.of("unavailable.title"),
                Text.of("unavailable.text")));
    }

    static void notFound(Pages pages, HttpServletRequest request, HttpServletResponse response) throws IOException {
        pages.admin(request, response, HttpServletResponse.SC_NOT_FOUND, new MessagePage(Text.of("notFound.title"),
                Text.of("notFound.text"), request.getContextPath() + Paths.ADMINISTRATORS, Text.of("back.administrators")));
    }
}
