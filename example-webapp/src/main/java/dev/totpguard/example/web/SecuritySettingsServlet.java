package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * "Require two-factor authentication for all administrators": off on a new installation, turned on (or off) with
 * one click. While on, {@link EnforcementFilter} sends every administrator without an active second factor to
 * enrollment, after the grace period if the launcher gives one ({@link EnforcementGrace}, which turning it on starts).
 */
final class SecuritySettingsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

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
            ErrorPages.unavailable(app.pages(), request, response, e);
            return;
        }
        app.pages().admin(request, response, HttpServletResponse.SC_OK,
                new SecuritySettingsPage("1".equals(request.getParameter("saved")), required,
                app.grace().days(), app.grace().signIns()));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String require = request.getParameter("require");
        if (!"on".equals(require) && !"off".equals(require)) {
            app.pages().admin(request, response, HttpServletResponse.SC_BAD_REQUEST,
                    new MessagePage(Text.of("title.securitySettings"), Text.of("settings.unknown")));
            return;
        }
        try {
            if ("on".equals(require)) {
                // Recorded before the setting, so no request sees it on before its grace has begun.
                app.grace().enforcementTurnedOn();
            }
            app.settings().setRequireTwoFactor("on".equals(require));
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
            return;
        }
        app.audit(request, request.getRemoteUser(), "on".equals(require) ? "TWO_FACTOR_REQUIRED_ON" : "TWO_FACTOR_REQUIRED_OFF", null);
        response.sendRedirect(request.getContextPath() + Paths.SECURITY_SETTINGS + "?saved=1");
    }
}
