package dev.totpguard.filter.testapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The protected content of the test application: every method answers with {@link #MARKER}, so a test
 * can tell at once whether protected content leaked. A POST to {@code /admin/counter} is the
 * application's one side effect.
 */
public final class AdminServlet extends HttpServlet {

    public static final String MARKER = "ADMIN CONTENT";
    /** Starts the notice line shown while the filter lets a user without a second factor through in its grace. */
    public static final String GRACE_MARKER = "SET UP TWO-FACTOR AUTHENTICATION:";
    static final String COUNTER = "testapp.counter";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (request.getMethod().equals("POST") && path.equals("/admin/counter")) {
            counter(request).incrementAndGet();
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print(MARKER + " " + request.getMethod() + " " + path + " for "
                + request.getRemoteUser() + " " + request.getDispatcherType());
        Object grace = request.getAttribute(dev.totpguard.filter.TotpFilter.ENROLLMENT_GRACE_ATTRIBUTE);
        if (grace != null) {
            // The notice an application shows while the enrollment grace lasts.
            response.getWriter().print("\n" + GRACE_MARKER + " " + grace + " set up at "
                    + request.getAttribute(dev.totpguard.filter.TotpFilter.ENROLLMENT_URL_ATTRIBUTE));
        }
    }

    static AtomicInteger counter(HttpServletRequest request) {
        synchronized (request.getServletContext()) {
            Object counter = request.getServletContext().getAttribute(COUNTER);
            if (counter == null) {
                counter = new AtomicInteger();
                request.getServletContext().setAttribute(COUNTER, counter);
            }
            return (AtomicInteger) counter;
        }
    }
}
