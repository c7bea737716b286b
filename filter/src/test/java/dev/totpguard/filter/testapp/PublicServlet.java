package dev.totpguard.filter.testapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Public pages of the test application that reach protected content the other ways a container offers:
 * a forward, an include, an error page under {@code /admin}, an async dispatch, and a programmatic
 * {@code request.login()}. The filter must guard every one of them. It also ends a login without ending
 * the session ({@code request.logout()}), alone or followed by a new {@code request.login()}.
 */
public final class PublicServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String action = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String to = request.getParameter("to");
        switch (action) {
            case "/forward":
                request.getRequestDispatcher(to).forward(request, response);
                return;
            case "/include":
                response.setContentType("text/plain;charset=UTF-8");
                PrintWriter writer = response.getWriter();
                writer.print("PUBLIC BEFORE [");
                request.getRequestDispatcher(to).include(request, response);
                writer.print("] PUBLIC AFTER");
                return;
            case "/boom":
                throw new IllegalStateException("the error page is under /admin");
            case "/async":
                AsyncContext async = request.startAsync();
                async.dispatch(to);
                return;
            case "/login":
                // attack case 21: a programmatic login is still a password-only login
                request.login(request.getParameter("user"), request.getParameter("password"));
                request.getRequestDispatcher(to).forward(request, response);
                return;
            case "/signout":
                // An application's sign-out that ends the container login but keeps the session.
                request.logout();
                text(response, "SIGNED OUT " + request.getRemoteUser());
                return;
            case "/relogin":
                // Signs the same user in again within the same session, without invalidating it.
                request.logout();
                request.login(request.getParameter("user"), request.getParameter("password"));
                text(response, "SIGNED IN AGAIN " + request.getRemoteUser());
                return;
            case "/logout":
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                text(response, "LOGGED OUT");
                return;
            case "/counter":
                text(response, Integer.toString(AdminServlet.counter(request).get()));
                return;
            case "/whoami":
                text(response, "USER " + request.getRemoteUser());
                return;
            default:
                text(response, "PUBLIC PAGE");
        }
    }

    private static void text(HttpServletResponse response, String text) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print(text);
    }
}
