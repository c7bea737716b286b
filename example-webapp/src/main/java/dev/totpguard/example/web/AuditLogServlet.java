package dev.totpguard.example.web;

import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.data.DataAccessException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The newest 200 audit entries: sign-in factors, two-factor changes and administrators' actions. */
final class AuditLogServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 200;

    private final transient App app;

    AuditLogServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StringBuilder body = new StringBuilder();
        try {
            body.append("<p>The newest ").append(SHOWN).append(" events first. Times are UTC.</p>\n")
                    .append("<table class=\"list audit\">\n<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Event</th>")
                    .append("<th scope=\"col\">Administrator</th><th scope=\"col\">By</th><th scope=\"col\">Address</th><th scope=\"col\">Detail</th></tr></thead>\n<tbody>\n");
            for (AuditEntry entry : app.audit().newest(SHOWN)) {
                body.append("<tr><td>").append(Format.time(entry.time())).append("</td><td>").append(Html.escape(entry.action()))
                        .append("</td><td>").append(Html.escape(entry.subject())).append("</td><td>").append(Html.escape(entry.actor().orElse("")))
                        .append("</td><td>").append(Html.escape(entry.clientAddress().orElse(""))).append("</td><td>")
                        .append(Html.escape(entry.detail().orElse(""))).append("</td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
            return;
        }
        app.layout().adminPage(request, response, HttpServletResponse.SC_OK, "Audit Log", body.toString());
    }
}
