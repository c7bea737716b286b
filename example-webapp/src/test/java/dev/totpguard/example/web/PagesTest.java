package dev.totpguard.example.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorStatus.State;
import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.web.EditAdministratorPage.PendingEnrollment;
import dev.totpguard.example.web.EditAdministratorPage.TwoFactor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every page model, rendered with hostile values in every field (and as the user, the context path and the CSRF
 * token of the layout), comes out escaped: no markup from a value survives, and a quote cannot leave an attribute.
 */
class PagesTest {

    private static final String HOSTILE = "\"><script>alert('x')</script>&";
    private static final String ESCAPED = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;";
    private static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");

    static Stream<Page> everyPageWithHostileValues() {
        PendingEnrollment enrollment = new PendingEnrollment(HOSTILE, HOSTILE, HOSTILE, HOSTILE);
        return Stream.of(
                new LoginPage(true, false, true),
                new LoginPage(false, true, false),
                new DashboardPage(HOSTILE, HOSTILE, HOSTILE),
                MenuPage.SETUP,
                MenuPage.STAFF_MANAGEMENT,
                new HelpPage(),
                new AdministratorsPage(true, List.of(
                        new AdministratorsPage.Row(HOSTILE, HOSTILE, HOSTILE, Optional.of(HOSTILE), HOSTILE),
                        new AdministratorsPage.Row(HOSTILE, HOSTILE, HOSTILE, Optional.empty(), HOSTILE))),
                new AuditLogPage(200, List.of(new AuditEntry(TIME, Optional.of(HOSTILE), HOSTILE, HOSTILE, Optional.of(HOSTILE),
                        Optional.of(HOSTILE)))),
                new NewAdministratorPage(HOSTILE, HOSTILE, HOSTILE, Optional.of(HOSTILE), 10),
                edit(new TwoFactor(true, State.NONE, Optional.empty(), Optional.empty(), 0, Optional.empty())),
                edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.of(TIME), 0, Optional.of(enrollment))),
                edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0, Optional.empty())),
                edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 7, Optional.empty())),
                edit(new TwoFactor(false, State.NONE, Optional.empty(), Optional.empty(), 0, Optional.empty())),
                edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.of(TIME), 3, Optional.empty())),
                new RecoveryCodesPage(HOSTILE, HOSTILE, List.of(HOSTILE, "abcd-efgh"), HOSTILE),
                new MessagePage(HOSTILE, HOSTILE, HOSTILE, HOSTILE),
                new MessagePage(HOSTILE, HOSTILE),
                new ResetConfirmationPage(HOSTILE, HOSTILE),
                new SecuritySettingsPage(true, true),
                new SecuritySettingsPage(false, false));
    }

    private static EditAdministratorPage edit(TwoFactor twoFactor) {
        return new EditAdministratorPage(HOSTILE, HOSTILE, HOSTILE, Optional.of(HOSTILE), Optional.of(HOSTILE), twoFactor, HOSTILE,
                HOSTILE);
    }

    private static String adminPage(Page page) {
        return Pages.render(page, HOSTILE, Optional.of(HOSTILE), new Pages.Frame(true, Optional.of(HOSTILE), true)).html();
    }

    @ParameterizedTest
    @MethodSource("everyPageWithHostileValues")
    void hostileValuesComeOutEscaped(Page page) {
        String html = adminPage(page);
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("'x'"), html);
        assertTrue(html.contains(ESCAPED), html);
        Document document = Jsoup.parse(html);
        assertTrue(document.select("script").isEmpty(), html);
        // A quote in a value would end the attribute early and leave the rest as attributes of their own.
        document.getAllElements().forEach(element -> element.attributes().forEach(attribute ->
                assertTrue(attribute.getKey().matches("[a-z-]+"), "attribute " + attribute.getKey() + " in " + element)));
        assertEquals(page.content().title() + " - " + Pages.SITE, document.title());
        assertEquals(HOSTILE, document.selectFirst("input[name=totpguard_csrf]").attr("value"));
        assertEquals(HOSTILE, document.selectFirst(".signout strong").text());
    }

    @Test
    void formFieldsGetTheirValuesBackWhole() {
        Document edit = Jsoup.parse(adminPage(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0,
                Optional.of(new PendingEnrollment(HOSTILE, HOSTILE, HOSTILE, HOSTILE))))));
        assertEquals(HOSTILE, edit.getElementById("name").attr("value"));
        assertEquals(HOSTILE, edit.getElementById("email").attr("value"));
        assertEquals(HOSTILE, edit.selectFirst("img.qr").attr("src"));
        assertEquals("QR code for " + HOSTILE + ": " + HOSTILE, edit.selectFirst("img.qr").attr("alt"));
        assertEquals(HOSTILE, edit.selectFirst("code.key").text());
        Document added = Jsoup.parse(adminPage(new NewAdministratorPage(HOSTILE, "Name", "a@example.com", Optional.empty(), 10)));
        assertEquals(HOSTILE, added.getElementById("username").attr("value"));
    }

    @Test
    void plainPagesRenderWithoutASessionToken() {
        String html = Pages.render(new LoginPage(false, false, true), "/ctx", Optional.empty(), Pages.Frame.plain()).html();
        Document login = Jsoup.parse(html);
        assertEquals("/ctx/j_security_check", login.selectFirst("form").attr("action"));
        assertTrue(login.select("nav").isEmpty(), html);
        assertEquals(1, login.select("#j_totp").size(), html);
        // A page with a form of this application cannot be rendered without the token: it fails instead of
        // sending a form that CsrfFilter would refuse.
        assertThrows(IllegalArgumentException.class, () -> Pages.render(new SecuritySettingsPage(false, false), "", Optional.empty(),
                Pages.Frame.plain()));
    }

    @Test
    void theBannerLinksToTheAdministratorsOwnSection() {
        Document page = Jsoup.parse(Pages.render(MenuPage.SETUP, "/ctx", Optional.of("token"),
                new Pages.Frame(true, Optional.of("a&b"), true)).html());
        assertEquals("/ctx/admin/setup/staff/administrators/edit?user=a%26b#two-factor", page.selectFirst(".banner a").attr("href"));
    }

    @Test
    void queryValuesArePercentEncoded() {
        assertEquals("/admin/setup/staff/administrators/edit?user=a%26b%3Dc+d", Paths.edit("", "a&b=c d"));
    }
}
