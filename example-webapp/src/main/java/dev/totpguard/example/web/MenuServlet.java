package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The menu pages "Setup" and "Staff Management": each lists what lies below it, so the path "Setup" &gt;
 * "Staff Management" &gt; "Administrators" can be followed by links as well as through the navigation bar.
 */
final class MenuServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Pages pages;

    MenuServlet(Pages pages) {
        this.pages = pages;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        boolean staff = path.equals(Paths.STAFF) || path.equals(Paths.STAFF.substring(0, Paths.STAFF.length() - 1));
        pages.admin(request, response, HttpServletResponse.SC_OK, staff ? MenuPage.STAFF_MANAGEMENT : MenuPage.SETUP);
    }
}
