package dev.totpguard.spring.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/** The content of the test applications: a servlet that writes a marker; a response with it is protected content. */
public final class ProtectedContent {

    public static final String ADMIN_MARKER = "ADMIN-CONTENT";
    public static final String HOME_MARKER = "HOME-CONTENT";
    public static final String USER = "admin";
    public static final String PASSWORD = "admin-password";

    private ProtectedContent() {
    }

    static ServletRegistrationBean<HttpServlet> servlet(String marker, String... mappings) {
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain;charset=UTF-8");
                response.getWriter().print(marker + " " + request.getRequestURI() + " for " + request.getRemoteUser());
            }
        }, mappings);
        registration.setName(marker);
        return registration;
    }
}
