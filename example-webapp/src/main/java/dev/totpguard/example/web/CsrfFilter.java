package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.filter.CsrfProtection;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Refuses (403) every state-changing request to this application's servlets that lacks the session's CSRF token
 * or comes from another site (security requirement 23). The check is TOTP Guard's {@link CsrfProtection}, as an
 * application uses it for its own forms: a 256-bit synchronizer token in the {@code HttpSession}, compared in
 * constant time, plus the Fetch Metadata and Origin checks. {@link Pages} writes the token into every form. GET and
 * HEAD change nothing here, so they pass; the servlets answer other methods they do not implement with 405.
 */
final class CsrfFilter extends HttpFilter {

    /**
     * The session attribute of this application's token: not the filter's own, so the filter renewing its token after
     * the second factor does not void a form shown here.
     */
    static final String SESSION_ATTRIBUTE = "dev.totpguard.example.csrf";

    private static final long serialVersionUID = 1L;

    private final transient CsrfProtection csrf;
    private final transient Pages pages;

    CsrfFilter(CsrfProtection csrf, Pages pages) {
        this.csrf = Objects.requireNonNull(csrf, "csrf");
        this.pages = Objects.requireNonNull(pages, "pages");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            chain.doFilter(request, response);
            return;
        }
        if (!csrf.isValid(request)) {
            pages.plain(request, response, HttpServletResponse.SC_FORBIDDEN, new MessagePage(Text.of("csrf.title"),
                    Text.of("csrf.text"), request.getContextPath() + Paths.ADMIN, Text.of("back.dashboard")));
            return;
        }
        chain.doFilter(request, response);
    }
}
