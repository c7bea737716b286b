package dev.totpguard.example.web;

import dev.totpguard.TwoFactorStatus;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.store.AccountAliasException;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

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
        StringBuilder body = new StringBuilder();
        try {
            List<Administrator> administrators = app.accounts().directory().list();
            body.append("<p class=\"breadcrumbs\"><a href=\"").append(context).append(Paths.SETUP).append("\">Setup</a> &gt; ")
                    .append("<a href=\"").append(context).append(Paths.STAFF).append("\">Staff Management</a> &gt; Administrators</p>\n");
            if ("1".equals(request.getParameter("added"))) {
                body.append(Layout.message("notice", "The administrator was added. They can now sign in and set up two-factor authentication."));
            }
            body.append("<p><a class=\"button\" href=\"").append(context).append(Paths.NEW_ADMINISTRATOR).append("\">Add New Administrator</a></p>\n")
                    .append("<table class=\"list\">\n<thead><tr><th scope=\"col\">Username</th><th scope=\"col\">Name</th><th scope=\"col\">Email</th>")
                    .append("<th scope=\"col\">Two-Factor Authentication</th><th scope=\"col\"></th></tr></thead>\n<tbody>\n");
            for (Administrator administrator : administrators) {
                body.append("<tr><td>").append(Html.escape(administrator.username())).append("</td><td>")
                        .append(Html.escape(administrator.name())).append("</td><td>").append(Html.escape(administrator.email()))
                        .append("</td><td>").append(twoFactorColumn(administrator))
                        .append("</td><td><a href=\"").append(Html.escape(Paths.edit(context, administrator.username())))
                        .append("\">Edit</a></td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
            return;
        }
        app.layout().adminPage(request, response, HttpServletResponse.SC_OK, "Administrators", body.toString());
    }

    private String twoFactorColumn(Administrator administrator) throws StoreException {
        TwoFactorStatus status;
        try {
            status = app.twoFactor().status(administrator.username());
        } catch (AccountAliasException e) {
            // A row written before new names were checked against existing spellings (or by hand): the store refuses
            // this name as another spelling of an enrolled account. Show it, so it can be seen and removed, rather than
            // failing the whole list.
            return "<strong class=\"error\">Another spelling of an existing account: it cannot sign in with two-factor "
                    + "authentication; remove it</strong>";
        }
        return Format.state(status) + (status.lockedUntil().filter(until -> until.isAfter(app.clock().instant())).isPresent() ? ", locked" : "");
    }
}
