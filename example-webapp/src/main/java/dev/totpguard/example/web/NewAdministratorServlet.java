package dev.totpguard.example.web;

import dev.totpguard.example.data.AdminAccounts;
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
        Optional<String> problem = AdminAccounts.checkNewAccount(username, name, email, password);
        if (problem.isEmpty() && !password.equals(confirm)) {
            problem = Optional.of("The two passwords differ. Type the same password twice.");
        }
        if (problem.isPresent()) {
            form(request, response, HttpServletResponse.SC_BAD_REQUEST, username, name, email, problem);
            return;
        }
        try {
            if (!app.accounts().add(username, name, email, password.toCharArray())) {
                form(request, response, HttpServletResponse.SC_CONFLICT, username, name, email,
                        Optional.of("There is already an administrator with the user name " + username + ", or with another spelling of it "
                                + "(names that differ only in case, accents or character width are one account). Choose another user name."));
                return;
            }
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
            return;
        }
        app.audit(request, username, "ADMIN_ADDED", null);
        response.sendRedirect(request.getContextPath() + Paths.ADMINISTRATORS + "?added=1");
    }

    private void form(HttpServletRequest request, HttpServletResponse response, int status, String username, String name,
                      String email, Optional<String> problem) throws IOException {
        String context = request.getContextPath();
        StringBuilder body = new StringBuilder();
        problem.ifPresent(text -> body.append(Layout.message("error", text)));
        body.append("<form method=\"post\" action=\"").append(context).append(Paths.NEW_ADMINISTRATOR).append("\" class=\"stacked\">\n")
                .append(app.layout().csrf().field(request)).append('\n')
                .append("<label for=\"username\">Username</label><input id=\"username\" name=\"username\" required maxlength=\"64\" autocomplete=\"off\" value=\"")
                .append(Html.escape(username)).append("\">\n")
                .append("<label for=\"name\">Name</label><input id=\"name\" name=\"name\" required maxlength=\"200\" value=\"").append(Html.escape(name)).append("\">\n")
                .append("<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" required maxlength=\"254\" value=\"")
                .append(Html.escape(email)).append("\">\n")
                .append("<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" required minlength=\"")
                .append(AdminAccounts.MIN_PASSWORD_LENGTH).append("\" autocomplete=\"new-password\">\n")
                .append("<label for=\"password_confirm\">Confirm Password</label><input id=\"password_confirm\" name=\"password_confirm\" type=\"password\" required autocomplete=\"new-password\">\n")
                .append("<button type=\"submit\">Add Administrator</button>\n</form>\n")
                .append("<p><a href=\"").append(context).append(Paths.ADMINISTRATORS).append("\">Back to Administrators</a></p>\n");
        app.layout().adminPage(request, response, status, "Add New Administrator", body.toString());
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.strip();
    }
}
