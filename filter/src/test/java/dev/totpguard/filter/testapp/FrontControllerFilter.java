package dev.totpguard.filter.testapp;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A front controller as Struts 2, Wicket, Jersey-as-filter or UrlRewrite install it: a filter in web.xml
 * mapped to {@code /*} that answers the pages it knows ({@code /admin/*}, with {@link AdminServlet#MARKER})
 * itself, without calling the rest of the chain.
 */
public final class FrontControllerFilter extends HttpFilter {

    public static final String MARKER = "FRONT CONTROLLER";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.startsWith("/admin/")) {
            chain.doFilter(request, response);
            return;
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print(MARKER + " " + AdminServlet.MARKER + " " + path + " for " + request.getRemoteUser());
    }
}
