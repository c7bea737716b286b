package dev.totpguard.filter.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.filter.testapp.AdminServlet;
import dev.totpguard.testkit.Response;
import java.net.URI;

/** What the integration tests assert about the pages they get back, said once. */
public final class Pages {

    private Pages() {
    }

    /** A redirect to {@code path} (relative to the context path) on the server that answered: never to another origin. */
    public static void assertRedirectsTo(String path, Response response) {
        assertTrue(response.isRedirect(), () -> "expected a redirect to " + path + ": " + response);
        URI location = response.location();
        assertEquals(response.uri().getAuthority(), location.getAuthority(), () -> "same origin: " + response);
        assertEquals(WebContainer.CONTEXT_PATH + path, location.getPath(), response::toString);
    }

    /** The test application's protected content, served. */
    public static void assertAdminContent(Response response) {
        assertEquals(200, response.status(), response::toString);
        assertTrue(response.body().contains(AdminServlet.MARKER), response::toString);
    }
}
