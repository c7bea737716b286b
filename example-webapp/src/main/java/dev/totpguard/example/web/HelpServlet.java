package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The Help page: what two-factor authentication is and what to do when the phone is lost. */
final class HelpServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Pages pages;

    HelpServlet(Pages pages) {
        this.pages = pages;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        pages.admin(request, response, HttpServletResponse.SC_OK, new HelpPage());
    }
}
