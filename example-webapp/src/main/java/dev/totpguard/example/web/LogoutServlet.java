package dev.totpguard.example.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * "Log Out" (POST only, with the CSRF token): ends the container login and the session with everything in it.
 *
 * <p>So that the back button cannot bring an admin page back (security requirement 18), the response also deletes
 * the session cookie and the {@link BackForwardCacheGuard} marker, and sends {@code Clear-Site-Data: "cache"}.
 */
final class LogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        request.logout();
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        String name = getServletContext().getSessionCookieConfig().getName();
        Cookie expired = new Cookie(name == null ? "JSESSIONID" : name, "");
        expired.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        expired.setMaxAge(0);
        expired.setHttpOnly(true);
        expired.setSecure(request.isSecure());
        response.addCookie(expired);
        BackForwardCacheGuard.signedOut(request, response);
        response.setHeader("Clear-Site-Data", "\"cache\"");
        response.sendRedirect(request.getContextPath() + Paths.LOGIN + "?signed-out=1");
    }
}
