package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Writes the frame of every admin page: title, the navigation "Setup" &gt; "Staff Management" &gt;
 * "Administrators", the sign-out button, and the banner that asks a signed-in administrator without two-factor
 * authentication to enable it. Page bodies are passed in already escaped. Thread-safe.
 */
final class Layout {

    static final String SITE = "TOTP Guard example";

    private final Csrf csrf;

    Layout(Csrf csrf) {
        this.csrf = Objects.requireNonNull(csrf, "csrf");
    }

    Csrf csrf() {
        return csrf;
    }

    /** An admin page: navigation, banner when {@code signedIn} has no 2FA, then {@code body}. */
    void adminPage(HttpServletRequest request, HttpServletResponse response, int status, String title, String body)
            throws IOException {
        String context = request.getContextPath();
        String user = request.getRemoteUser();
        StringBuilder page = new StringBuilder(4096);
        page.append("<header><a class=\"brand\" href=\"").append(context).append(Paths.ADMIN).append("\">").append(SITE).append("</a>\n")
                .append("<nav aria-label=\"Main\"><ul class=\"menu\">\n")
                .append("<li><a href=\"").append(context).append(Paths.ADMIN).append("\">Dashboard</a></li>\n")
                .append("<li><a href=\"").append(context).append(Paths.SETUP).append("\">Setup</a>\n")
                .append("  <ul><li><a href=\"").append(context).append(Paths.STAFF).append("\">Staff Management</a>\n")
                .append("    <ul><li><a href=\"").append(context).append(Paths.ADMINISTRATORS).append("\">Administrators</a></li>\n")
                .append("        <li><a href=\"").append(context).append(Paths.AUDIT_LOG).append("\">Audit Log</a></li></ul></li>\n")
                .append("  <li><a href=\"").append(context).append(Paths.SECURITY_SETTINGS).append("\">Security Settings</a></li></ul></li>\n")
                .append("<li><a href=\"").append(context).append(Paths.HELP).append("\">Help</a></li>\n")
                .append("</ul></nav>\n");
        if (user != null) {
            page.append("<form class=\"signout\" method=\"post\" action=\"").append(context).append(Paths.LOGOUT).append("\">")
                    .append("Signed in as <strong>").append(Html.escape(user)).append("</strong> ")
                    .append(csrf.field(request)).append("<button type=\"submit\">Log Out</button></form>\n");
        }
        page.append("</header>\n");
        if (user != null && Boolean.FALSE.equals(request.getAttribute(EnforcementFilter.TWO_FACTOR_ACTIVE))) {
            page.append("<div class=\"banner\" role=\"alert\">Your account is protected by a password only. "
                            + "<a href=\"").append(Paths.editTwoFactor(context, user))
                    .append("\">Enable Two-Factor Authentication</a> so that a stolen password is not enough to sign in.</div>\n");
        }
        page.append("<main>\n<h1>").append(Html.escape(title)).append("</h1>\n").append(body).append("\n</main>\n");
        send(request, response, status, title, page.toString());
    }

    /** A page without navigation (login, errors before login). */
    void plainPage(HttpServletRequest request, HttpServletResponse response, int status, String title, String body) throws IOException {
        send(request, response, status, title, "<header><span class=\"brand\">" + SITE + "</span></header>\n<main>\n<h1>"
                + Html.escape(title) + "</h1>\n" + body + "\n</main>\n");
    }

    private static void send(HttpServletRequest request, HttpServletResponse response, int status, String title, String content)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title)).append(" - ").append(SITE).append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"").append(request.getContextPath()).append(Paths.STYLESHEET).append("\">\n")
                .append("</head>\n<body>\n").append(content).append("</body>\n</html>\n");
    }

    /** A message paragraph; {@code kind} is {@code error} or {@code notice}. */
    static String message(String kind, String text) {
        return "<p class=\"" + kind + "\" role=\"" + ("error".equals(kind) ? "alert" : "status") + "\">" + Html.escape(text) + "</p>\n";
    }
}
