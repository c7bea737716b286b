package dev.totpguard.filter.testapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The application's own token page ({@code totpguard.filter.page.token}): the filter forwards here with the
 * page's data in {@code totpguard.*} request attributes. A real page would be a JSP or a template; this one
 * prints what it was given, so the test can check it and submit the form.
 */
public final class CustomPageServlet extends HttpServlet {

    public static final String MARKER = "CUSTOM TOKEN PAGE";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, String> urls = (Map<String, String>) request.getAttribute("totpguard.urls");
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().print("<p>" + MARKER + " for " + request.getAttribute("totpguard.user")
                + " page=" + request.getAttribute("totpguard.page")
                + " status=" + request.getAttribute("totpguard.status")
                + " message=" + request.getAttribute("totpguard.message") + "</p>"
                + "<form method=\"post\" action=\"" + urls.get("verify") + "\">"
                + "<input type=\"hidden\" name=\"" + request.getAttribute("totpguard.csrf.parameter") + "\" value=\""
                + request.getAttribute("totpguard.csrf.token") + "\">"
                + "<input name=\"" + request.getAttribute("totpguard.code.parameter") + "\"></form>");
    }
}
