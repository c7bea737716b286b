package dev.totpguard.filter.testapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;

/**
 * The application's own sign-in ({@code /applogin/signin?user=...}, no password: the test is about what
 * comes after it), sign-out and login form. {@code verifiedAs} and {@code verifiedAt} make the login look
 * like one where the JAAS module already checked a code.
 */
public final class AppLoginServlet extends HttpServlet {

    public static final String FORM_MARKER = "APP LOGIN FORM";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        String action = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (action) {
            case "/signin":
                HttpSession session = request.getSession();
                request.changeSessionId();
                session.setAttribute(AppLoginFilter.USER, request.getParameter("user"));
                String verifiedAs = request.getParameter("verifiedAs");
                if (verifiedAs != null) {
                    session.setAttribute(AppLoginFilter.VERIFIED_AS, verifiedAs);
                    session.setAttribute(AppLoginFilter.VERIFIED_AT,
                            Instant.ofEpochMilli(Long.parseLong(request.getParameter("verifiedAt"))));
                } else {
                    session.removeAttribute(AppLoginFilter.VERIFIED_AS);
                    session.removeAttribute(AppLoginFilter.VERIFIED_AT);
                }
                session.setAttribute(AppLoginFilter.SHAPE, request.getParameter("shape"));
                session.setAttribute(AppLoginFilter.MUST_ENROLL, "true".equals(request.getParameter("mustEnroll")));
                response.getWriter().print("SIGNED IN " + request.getParameter("user"));
                return;
            case "/signout":
                HttpSession current = request.getSession(false);
                if (current != null) {
                    current.invalidate();
                }
                response.getWriter().print("SIGNED OUT");
                return;
            default:
                response.getWriter().print(FORM_MARKER);
        }
    }
}
