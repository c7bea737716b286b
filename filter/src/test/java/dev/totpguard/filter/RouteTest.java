package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void everyRouteHasAHandlerAndIsFoundByItsPath() {
        for (Route route : Route.values()) {
            assertNotNull(route.handler(), route::name);
            assertSame(route, Route.of(route.path()), route::name);
            assertTrue(route.path().matches("/[a-z]+"), route::path);
        }
        assertNull(Route.of("/nothing"));
        assertNull(Route.of(""));
    }

    @Test
    void pagesAnswerGetAndHeadAndActionsOnlyPost() {
        for (Route route : Route.values()) {
            for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "get"}) {
                boolean expected = route.isAction() ? method.equals("POST") : method.equals("GET") || method.equals("HEAD");
                assertEquals(expected, route.allows(method), route + " " + method);
            }
            assertEquals(route.isAction() ? "POST" : "GET, HEAD", route.allowHeader());
        }
    }

    @Test
    void everyPageWithAFormHasARouteThatShowsItAndOneThatActsOnIt() {
        Set<PageKind> shown = EnumSet.noneOf(PageKind.class);
        Set<PageKind> actedOn = EnumSet.noneOf(PageKind.class);
        for (Route route : Route.values()) {
            if (route.page() != null) {
                (route.isAction() ? actedOn : shown).add(route.page());
            }
        }
        assertEquals(EnumSet.of(PageKind.TOKEN, PageKind.RECOVERY, PageKind.ENROLL, PageKind.MANAGE), shown);
        assertEquals(shown, actedOn);
        assertFalse(Route.LOGOUT.allows("GET"), "signing out is a state change");
    }
}
