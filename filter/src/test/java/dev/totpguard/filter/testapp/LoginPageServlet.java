package dev.totpguard.filter.testapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The container FORM login page ({@code /login}) and its error page ({@code /login-error}). */
public final class LoginPageServlet extends HttpServlet {

    public static final String LOGIN_MARKER = "LOGIN FORM";
    public static final String ERROR_MARKER = "LOGIN FAILED";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        boolean error = request.getServletPath().equals("/login-error");
        response.getWriter().print("<!DOCTYPE html><html><body><p>" + (error ? ERROR_MARKER : LOGIN_MARKER)
                + "</p><form method=\"post\" action=\"" + request.getContextPath() + "/j_security_check\">"
                + "<label>User <input name=\"j_username\"></label>"
                + "<label>Password <input type=\"password\" name=\"j_password\"></label>"
                + "<button>Sign in</button></form></body></html>");
    }
}
