package dev.totpguard.example.web;

import dev.totpguard.TwoFactorStatus;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The page after login: where to go, and the signed-in administrator's own two-factor status. */
final class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient App app;

    DashboardServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String context = request.getContextPath();
        String user = request.getRemoteUser();
        TwoFactorStatus status;
        try {
            status = app.twoFactor().status(user);
        } catch (StoreException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
            return;
        }
        StringBuilder body = new StringBuilder();
        body.append("<p>Welcome, ").append(Html.escape(user)).append(".</p>\n")
                .append("<p>Your two-factor authentication: <strong>").append(Format.state(status)).append("</strong>. ")
                .append("<a href=\"").append(Paths.editTwoFactor(context, user)).append("\">Manage it</a>.</p>\n")
                .append("<h2>Setup</h2>\n<ul class=\"links\">\n")
                .append("<li><a href=\"").append(context).append(Paths.SETUP).append("\">Setup</a> &gt; ")
                .append("<a href=\"").append(context).append(Paths.STAFF).append("\">Staff Management</a> &gt; ")
                .append("<a href=\"").append(context).append(Paths.ADMINISTRATORS).append("\">Administrators</a></li>\n")
                .append("<li><a href=\"").append(context).append(Paths.AUDIT_LOG).append("\">Audit Log</a></li>\n")
                .append("<li><a href=\"").append(context).append(Paths.SECURITY_SETTINGS).append("\">Security Settings</a></li>\n")
                .append("</ul>\n");
        app.layout().adminPage(request, response, HttpServletResponse.SC_OK, "Dashboard", body.toString());
    }
}
