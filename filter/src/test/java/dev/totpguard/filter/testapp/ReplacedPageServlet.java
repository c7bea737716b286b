package dev.totpguard.filter.testapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * An application page that replaces a built-in one ({@code totpguard.filter.page.*}) and, while it renders,
 * reaches into a protected path as careless templates do: {@code /replaced/include} includes
 * {@code /admin/secret} (a layout pulling in a fragment), {@code /replaced/forward} forwards there (a
 * controller handing on). Neither may show the protected content to a user who has only passed the password.
 */
public final class ReplacedPageServlet extends HttpServlet {

    public static final String MARKER = "REPLACED PAGE";
    public static final String PROTECTED = "/admin/secret";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if ("/forward".equals(request.getPathInfo())) {
            request.getRequestDispatcher(PROTECTED).forward(request, response);
            return;
        }
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter writer = response.getWriter();
        writer.print("<p>" + MARKER + " " + request.getAttribute("totpguard.page") + " for "
                + request.getAttribute("totpguard.user") + "</p><input type=\"hidden\" name=\"" + dev.totpguard.filter.CsrfProtection.PARAMETER + "\" value=\""
                + request.getAttribute("totpguard.csrf.token") + "\"><div>[");
        request.getRequestDispatcher(PROTECTED).include(request, response);
        writer.print("]</div>");
    }
}
