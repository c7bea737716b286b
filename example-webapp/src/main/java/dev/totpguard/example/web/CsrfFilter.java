package dev.totpguard.example.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Refuses (403) every state-changing request to this application's servlets that lacks the session's CSRF token
 * or comes from another site ({@link Csrf}; security requirement 23). GET and HEAD change nothing here, so they
 * pass; the servlets answer other methods they do not implement with 405.
 */
final class CsrfFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private final transient Csrf csrf;
    private final transient Layout layout;

    CsrfFilter(Csrf csrf, Layout layout) {
        this.csrf = Objects.requireNonNull(csrf, "csrf");
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            chain.doFilter(request, response);
            return;
        }
        if (!csrf.matches(request)) {
            layout.plainPage(request, response, HttpServletResponse.SC_FORBIDDEN, "Request refused",
                    Layout.message("error", "This form has expired or did not come from this site. Go back, reload the page and try again.")
                            + "<p><a href=\"" + request.getContextPath() + Paths.ADMIN + "\">Back to the dashboard</a></p>");
            return;
        }
        chain.doFilter(request, response);
    }
}
