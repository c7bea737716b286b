package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's FORM login page: user name and password posted to {@code j_security_check}, checked by the
 * realm (TOTP Guard's JAAS login module under the launcher); the token code is asked for on the next page. With
 * {@code ?code=1} the page also has the "Token Code" field {@code j_totp}, so both factors are sent at once.
 * Failures get one generic message, whichever factor was wrong (security requirement 19).
 */
final class LoginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Pages pages;

    LoginServlet(Pages pages) {
        this.pages = pages;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean failed = request.getParameter("error") != null;
        boolean signedOut = !failed && request.getParameter("signed-out") != null;
        pages.plain(request, response, HttpServletResponse.SC_OK, new LoginPage(failed, signedOut, "1".equals(request.getParameter("code"))));
    }
}
