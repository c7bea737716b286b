package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
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
            ErrorPages.unavailable(app.pages(), request, response, e);
            return;
        }
        app.pages().admin(request, response, HttpServletResponse.SC_OK,
                new DashboardPage(user, Format.state(status.state()), Paths.editTwoFactor(context, user)));
    }
}
