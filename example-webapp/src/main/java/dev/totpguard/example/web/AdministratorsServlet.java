package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.store.AccountAliasException;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "Setup" &gt; "Staff Management" &gt; "Administrators": every administrator with user name, name, e-mail and
 * two-factor status, an "Edit" link per row and "Add New Administrator".
 */
final class AdministratorsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient App app;

    AdministratorsServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String context = request.getContextPath();
        List<AdministratorsPage.Row> rows = new ArrayList<>();
        try {
            for (Administrator administrator : app.accounts().directory().list()) {
                rows.add(new AdministratorsPage.Row(administrator.username(), administrator.name(), administrator.email(),
                        twoFactorColumn(administrator), Paths.edit(context, administrator.username())));
            }
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
            return;
        }
        app.pages().admin(request, response, HttpServletResponse.SC_OK,
                new AdministratorsPage("1".equals(request.getParameter("added")), rows));
    }

    /** The two-factor state, or empty for a name the store refuses as another spelling of an enrolled account. */
    private Optional<Text> twoFactorColumn(Administrator administrator) throws StoreException {
        TwoFactorStatus status;
        try {
            status = app.twoFactor().status(administrator.username());
        } catch (AccountAliasException e) {
            // A row written before new names were checked against existing spellings (or by hand): the store refuses
            // this name as another spelling of an enrolled account. Show it, so it can be seen and removed, rather than
            // failing the whole list.
            return Optional.empty();
        }
        boolean locked = status.lockedUntil().filter(until -> until.isAfter(app.clock().instant())).isPresent();
        return Optional.of(locked ? Text.of("state.locked", Format.state(status.state())) : Format.state(status.state()));
    }
}
