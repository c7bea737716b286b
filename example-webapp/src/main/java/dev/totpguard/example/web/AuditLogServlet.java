package dev.totpguard.example.web;

import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.data.DataAccessException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

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
        List<AuditEntry> entries;
        try {
            entries = app.audit().newest(SHOWN);
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
            return;
        }
        app.pages().admin(request, response, HttpServletResponse.SC_OK, new AuditLogPage(SHOWN, entries));
    }
}
