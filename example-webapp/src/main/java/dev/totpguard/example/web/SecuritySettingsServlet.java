package dev.totpguard.example.web;

import dev.totpguard.example.data.DataAccessException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * "Require two-factor authentication for all administrators": off on a new installation, turned on (or off) with
 * one click. While on, {@link EnforcementFilter} sends every administrator without an active second factor to
 * enrollment.
 */
final class SecuritySettingsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "Require two-factor authentication for all administrators";

    private final transient App app;

    SecuritySettingsServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean required;
        try {
            required = app.settings().requireTwoFactor();
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
            return;
        }
        StringBuilder body = new StringBuilder();
        if ("1".equals(request.getParameter("saved"))) {
            body.append(Layout.message("notice", "The setting was saved."));
        }
        body.append("<form method=\"post\" action=\"").append(request.getContextPath()).append(Paths.SECURITY_SETTINGS).append("\">\n")
                .append(app.layout().csrf().field(request)).append('\n')
                .append("<h2>").append(LABEL).append("</h2>\n")
                .append("<p>Now: <strong class=\"status\">").append(required ? "On" : "Off").append("</strong>. ")
                .append(required
                        ? "Every administrator without two-factor authentication is sent to set it up at their next page and can use nothing else before finishing."
                        : "Administrators may sign in with their password alone; a banner asks them to enable two-factor authentication.")
                .append("</p>\n<input type=\"hidden\" name=\"require\" value=\"").append(required ? "off" : "on").append("\">\n")
                .append("<button type=\"submit\">").append(required ? "Turn off" : "Turn on").append("</button>\n</form>\n");
        app.layout().adminPage(request, response, HttpServletResponse.SC_OK, "Security Settings", body.toString());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String require = request.getParameter("require");
        if (!"on".equals(require) && !"off".equals(require)) {
            app.layout().adminPage(request, response, HttpServletResponse.SC_BAD_REQUEST, "Security Settings",
                    Layout.message("error", "Unknown value; use the button on the Security Settings page."));
            return;
        }
        try {
            app.settings().setRequireTwoFactor("on".equals(require));
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
            return;
        }
        app.audit(request, request.getRemoteUser(), "on".equals(require) ? "TWO_FACTOR_REQUIRED_ON" : "TWO_FACTOR_REQUIRED_OFF", null);
        response.sendRedirect(request.getContextPath() + Paths.SECURITY_SETTINGS + "?saved=1");
    }
}
