package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AdminDirectory;
import dev.totpguard.example.data.DataAccessException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * "Add New Administrator": user name, name, e-mail and a first password. The new administrator sets up their own
 * two-factor authentication after signing in (nobody else may see their secret).
 */
final class NewAdministratorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient App app;

    NewAdministratorServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        form(request, response, HttpServletResponse.SC_OK, "", "", "", Optional.empty());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String username = trimmed(request.getParameter("username"));
        String name = trimmed(request.getParameter("name"));
        String email = trimmed(request.getParameter("email"));
        String password = request.getParameter("password");
        String confirm = request.getParameter("password_confirm");
        Optional<FieldProblem> problem = problem(username, name, email, password, confirm);
        if (problem.isPresent()) {
            form(request, response, HttpServletResponse.SC_BAD_REQUEST, username, name, email, problem);
            return;
        }
        try {
            if (!app.accounts().add(username, name, email, password.toCharArray())) {
                form(request, response, HttpServletResponse.SC_CONFLICT, username, name, email,
                        Optional.of(new FieldProblem("username", Text.of("newAdministrator.taken", username))));
                return;
            }
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
            return;
        }
        app.audit(request, username, "ADMIN_ADDED", null);
        response.sendRedirect(request.getContextPath() + Paths.ADMINISTRATORS + "?added=1");
    }

    private void form(HttpServletRequest request, HttpServletResponse response, int status, String username, String name,
                      String email, Optional<FieldProblem> problem) throws IOException {
        app.pages().admin(request, response, status,
                new NewAdministratorPage(username, name, email, problem, AdminAccounts.MIN_PASSWORD_LENGTH));
    }

    /**
     * The first thing wrong with the form, at its field: the same checks as {@link AdminAccounts#checkNewAccount}, in
     * the same order, then the confirmation.
     */
    private static Optional<FieldProblem> problem(String username, String name, String email, String password, String confirm) {
        return AdminDirectory.checkUsername(username).map(text -> new FieldProblem("username", text))
                .or(() -> AdminDirectory.checkName(name).map(text -> new FieldProblem("name", text)))
                .or(() -> AdminDirectory.checkEmail(email).map(text -> new FieldProblem("email", text)))
                .or(() -> AdminAccounts.checkPassword(password == null ? null : password.toCharArray())
                        .map(text -> new FieldProblem("password", text)))
                .or(() -> password.equals(confirm) ? Optional.empty()
                        : Optional.of(new FieldProblem("password_confirm", Text.of("newAdministrator.passwordsDiffer"))));
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.strip();
    }
}
