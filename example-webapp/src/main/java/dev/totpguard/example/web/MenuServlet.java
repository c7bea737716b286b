package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The menu pages "Setup" and "Staff Management": each lists what lies below it, so the path "Setup" &gt;
 * "Staff Management" &gt; "Administrators" can be followed by links as well as through the navigation bar.
 */
final class MenuServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Layout layout;

    MenuServlet(Layout layout) {
        this.layout = layout;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String context = request.getContextPath();
        String path = request.getServletPath();
        if (path.equals(Paths.STAFF) || path.equals(Paths.STAFF.substring(0, Paths.STAFF.length() - 1))) {
            layout.adminPage(request, response, HttpServletResponse.SC_OK, "Staff Management",
                    "<ul class=\"links\">\n"
                            + "<li><a href=\"" + context + Paths.ADMINISTRATORS + "\">Administrators</a>: who can sign in, and their two-factor authentication</li>\n"
                            + "<li><a href=\"" + context + Paths.AUDIT_LOG + "\">Audit Log</a>: sign-ins, two-factor changes and administrators' actions</li>\n"
                            + "</ul>");
            return;
        }
        layout.adminPage(request, response, HttpServletResponse.SC_OK, "Setup",
                "<ul class=\"links\">\n"
                        + "<li><a href=\"" + context + Paths.STAFF + "\">Staff Management</a>: administrators and the audit log</li>\n"
                        + "<li><a href=\"" + context + Paths.SECURITY_SETTINGS + "\">Security Settings</a>: require two-factor authentication for all administrators</li>\n"
                        + "</ul>");
    }
}
