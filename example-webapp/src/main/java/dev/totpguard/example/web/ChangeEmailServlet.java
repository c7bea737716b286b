package dev.totpguard.example.web;

import dev.totpguard.example.data.AdminDirectory;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.Text;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Changes an administrator's e-mail address, one's own or another's: the address every mail about the account's
 * security goes to, so whoever changes it could take those mails over. It is therefore a privileged action
 * ({@link Paths#PRIVILEGED}): TOTP Guard's filter asks for the acting administrator's code unless one was entered
 * within the step-up age (a session a trusted browser let in gives it too), and {@link EnforcementFilter} refuses it
 * (403) to an administrator without an active second factor, one within the enrollment grace included. The Edit page
 * sends a changed address here. When the address changes, the OLD address gets a mail saying so (the new one masked,
 * by whom, from which client address; no link, no code), and the change is audited.
 */
final class ChangeEmailServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient App app;

    ChangeEmailServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Optional<Administrator> administrator = app.accounts().directory().find(request.getParameter("user"));
            if (administrator.isEmpty()) {
                ErrorPages.notFound(app.pages(), request, response);
                return;
            }
            String email = request.getParameter("email");
            page(request, response, HttpServletResponse.SC_OK, administrator.get(), email == null ? "" : email.strip(), Optional.empty());
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String email = request.getParameter("email") == null ? "" : request.getParameter("email").strip();
        try {
            Optional<Administrator> found = app.accounts().directory().find(request.getParameter("user"));
            if (found.isEmpty()) {
                ErrorPages.notFound(app.pages(), request, response);
                return;
            }
            Administrator administrator = found.get();
            Optional<FieldProblem> problem = AdminDirectory.checkEmail(email).map(text -> new FieldProblem("email", text));
            if (problem.isPresent()) {
                page(request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, email, problem);
                return;
            }
            String edit = Paths.edit(request.getContextPath(), administrator.username());
            if (email.equals(administrator.email())) {
                response.sendRedirect(edit + "&notice=" + Notices.UNCHANGED);
                return;
            }
            app.accounts().directory().update(administrator.username(), administrator.name(), email);
            app.audit(request, administrator.username(), "EMAIL_CHANGED", null);
            // To the old address: its owner learns of a change they did not make, even once the new address is someone else's.
            app.addressChangeMails().changed(administrator.username(), administrator.email(), email, request.getRemoteUser(),
                    app.clock().instant(), Optional.ofNullable(request.getRemoteAddr()));
            response.sendRedirect(edit + "&saved=1");
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response, int status, Administrator administrator, String email,
                      Optional<FieldProblem> problem) throws IOException {
        String context = request.getContextPath();
        app.pages().admin(request, response, status, new ChangeEmailPage(administrator.username(), administrator.email(), email, problem,
                context + Paths.CHANGE_EMAIL, Paths.edit(context, administrator.username())));
    }
}
