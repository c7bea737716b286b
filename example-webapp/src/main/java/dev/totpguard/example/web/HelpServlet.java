package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The Help page: what two-factor authentication is and what to do when the phone is lost. */
final class HelpServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Layout layout;

    HelpServlet(Layout layout) {
        this.layout = layout;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        layout.adminPage(request, response, HttpServletResponse.SC_OK, "Help", HelpText.TWO_FACTOR);
    }
}
