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

    static final String TOTP_FIELD = "j_totp";

    private final transient Layout layout;

    LoginServlet(Layout layout) {
        this.layout = layout;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String context = request.getContextPath();
        boolean withCode = "1".equals(request.getParameter("code"));
        StringBuilder body = new StringBuilder();
        if (request.getParameter("error") != null) {
            body.append(Layout.message("error", "Login failed: the user name, password or token code is not right."));
        } else if (request.getParameter("signed-out") != null) {
            body.append(Layout.message("notice", "You have been logged out."));
        }
        body.append("<form method=\"post\" action=\"").append(context).append("/j_security_check\" class=\"stacked login\">\n")
                .append("<label for=\"j_username\">Username</label><input id=\"j_username\" name=\"j_username\" required maxlength=\"64\" autocomplete=\"username\" autofocus>\n")
                .append("<label for=\"j_password\">Password</label><input id=\"j_password\" name=\"j_password\" type=\"password\" required autocomplete=\"current-password\">\n");
        if (withCode) {
            body.append("<label for=\"").append(TOTP_FIELD).append("\">Token Code</label><input id=\"").append(TOTP_FIELD).append("\" name=\"")
                    .append(TOTP_FIELD).append("\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"20\">\n")
                    .append("<p class=\"hint\">The 6-digit code from your authenticator app, or one of your recovery codes.</p>\n");
        }
        body.append("<button type=\"submit\">Login</button>\n</form>\n");
        if (withCode) {
            body.append("<p><a href=\"").append(context).append(Paths.LOGIN).append("\">Enter the token code on the next page instead</a></p>\n");
        } else {
            body.append("<p>If you use two-factor authentication, you will be asked for your token code on the next page. ")
                    .append("<a href=\"").append(context).append(Paths.LOGIN).append("?code=1\">Enter it on this page instead</a>.</p>\n");
        }
        layout.plainPage(request, response, HttpServletResponse.SC_OK, "Administrator Login", body.toString());
    }
}
