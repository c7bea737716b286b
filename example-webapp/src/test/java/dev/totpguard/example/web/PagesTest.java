package dev.totpguard.example.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorStatus.State;
import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.data.Text;
import dev.totpguard.example.web.EditAdministratorPage.PendingEnrollment;
import dev.totpguard.example.web.EditAdministratorPage.TwoFactor;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.TotpParameters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every page model, rendered with hostile values in every field (and as the user, the context path and the CSRF
 * token of the layout), comes out escaped: no markup from a value survives, and a quote cannot leave an attribute.
 */
class PagesTest {

    private static final String HOSTILE = "\"><script>alert('x')</script>&";
    private static final String ESCAPED = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;";
    private static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");
    /** Any value the application holds, as a text that is shown as it is. */
    private static final Text HOSTILE_TEXT = Text.verbatim(HOSTILE);
    private static final ResourceBundle ENGLISH = new Messages(Text.BUNDLE, Text.LOCALES).bundle(null);

    static Stream<Page> everyPageWithHostileValues() {
        PendingEnrollment enrollment = new PendingEnrollment(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, TotpParameters.DEFAULT);
        return Stream.of(
                new LoginPage(true, false, true),
                new LoginPage(false, true, false),
                new DashboardPage(HOSTILE, HOSTILE_TEXT, HOSTILE),
                MenuPage.SETUP,
                MenuPage.STAFF_MANAGEMENT,
                new HelpPage(),
                new AdministratorsPage(true, List.of(
                        new AdministratorsPage.Row(HOSTILE, HOSTILE, HOSTILE, Optional.of(HOSTILE_TEXT), HOSTILE),
                        new AdministratorsPage.Row(HOSTILE, HOSTILE, HOSTILE, Optional.empty(), HOSTILE))),
                new AuditLogPage(200, List.of(new AuditEntry(TIME, Optional.of(HOSTILE), HOSTILE, HOSTILE, Optional.of(HOSTILE),
                        Optional.of(HOSTILE)))),
                new NewAdministratorPage(HOSTILE, HOSTILE, HOSTILE, Optional.of(new FieldProblem("email", HOSTILE_TEXT)), 10),
                edit(new TwoFactor(true, State.NONE, Optional.empty(), Optional.empty(), 0, Optional.empty())),
                edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.of(TIME), 0, Optional.of(enrollment))),
                edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0, Optional.empty())),
                edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 7, Optional.empty())),
                edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 7, Optional.empty(), List.of(), List.of(), false)),
                edit(new TwoFactor(false, State.NONE, Optional.empty(), Optional.empty(), 0, Optional.empty())),
                edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.of(TIME), 3, Optional.empty())),
                edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.empty(), 3, Optional.empty(),
                        List.of(new dev.totpguard.store.TrustedBrowser("abcDEF_-12", "key", 1, HOSTILE, TIME, TIME.plusSeconds(60))))),
                new RecoveryCodesPage(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE, List.of(HOSTILE, "abcd-efgh"), HOSTILE),
                new MessagePage(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE, HOSTILE_TEXT),
                new MessagePage(HOSTILE_TEXT, HOSTILE_TEXT),
                new ResetConfirmationPage(HOSTILE, HOSTILE),
                new ChangeEmailPage(HOSTILE, HOSTILE, HOSTILE, Optional.of(new FieldProblem("email", HOSTILE_TEXT)), HOSTILE, HOSTILE),
                new SecuritySettingsPage(true, true, 14, 5),
                new SecuritySettingsPage(false, false, 0, 0));
    }

    private static EditAdministratorPage edit(TwoFactor twoFactor) {
        // The problem is at the Token Code field: beside it while the enrollment is shown, above the page otherwise.
        return new EditAdministratorPage(HOSTILE, HOSTILE, HOSTILE, Optional.of(HOSTILE_TEXT), Optional.of(new FieldProblem("token_code", HOSTILE_TEXT)),
                twoFactor, HOSTILE, HOSTILE);
    }

    private static String adminPage(Page page) {
        return Pages.render(page, HOSTILE, Optional.of(HOSTILE), new Pages.Frame(true, Optional.of(HOSTILE), true), ENGLISH).html();
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
        assertEquals(page.content().title().in(ENGLISH) + " - TOTP Guard example", document.title());
        assertEquals(HOSTILE, document.selectFirst("input[name=totpguard_csrf]").attr("value"));
        assertEquals(HOSTILE, document.selectFirst(".signout strong").text());
    }

    @Test
    void trustedBrowsersAreListedEachWithAFormThatForgetsIt() {
        List<dev.totpguard.store.TrustedBrowser> browsers = List.of(
                new dev.totpguard.store.TrustedBrowser("first_id", "key", 1, "Firefox / Linux", TIME, TIME.plusSeconds(60)),
                new dev.totpguard.store.TrustedBrowser("second-id", "key", 1, "Chrome / Windows", TIME, TIME.plusSeconds(60)));
        Document edit = Jsoup.parse(adminPage(edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.empty(), 3,
                Optional.empty(), browsers))));
        assertEquals(2, edit.select("#trusted-title + p + ul li").size(), edit::toString);
        assertTrue(edit.select("#trusted-title + p + ul li").get(0).text().startsWith("Firefox / Linux, trusted since "));
        assertEquals("second-id", edit.getElementById("forget-second-id").selectFirst("input[name=browser]").attr("value"));
        assertEquals(HOSTILE, edit.getElementById("forget-second-id").selectFirst("input[name=user]").attr("value"));
        assertTrue(edit.getElementById("forget-browsers").attr("action").endsWith("two-factor/forget-browsers"));
        Document none = Jsoup.parse(adminPage(edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.empty(), 3,
                Optional.empty()))));
        assertTrue(none.select("#trusted-title").isEmpty());
        assertTrue(none.select("#forget-browsers").isEmpty());
    }

    @Test
    void anotherAdministratorsAuthenticatorsAreListedEachWithAFormThatRemovesItAndTheOwnerIsSentToTheSettingsPage() {
        List<dev.totpguard.Authenticator> authenticators = List.of(
                new dev.totpguard.Authenticator("c0123", Optional.of("iPhone"), TIME, Optional.empty()),
                new dev.totpguard.Authenticator("backup_id", Optional.of("backup app"), TIME, Optional.of(TIME)));
        Document other = Jsoup.parse(adminPage(edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.empty(), 3,
                Optional.empty(), List.of(), authenticators, true))));
        assertEquals(2, other.select("#authenticators-title + ul li").size(), other::toString);
        assertTrue(other.select("#authenticators-title + ul li").get(1).text().startsWith("backup app, added "), other::toString);
        assertEquals("backup_id", other.getElementById("remove-authenticator-backup_id").selectFirst("input[name=authenticator]").attr("value"));
        assertEquals(HOSTILE, other.getElementById("remove-authenticator-backup_id").selectFirst("input[name=user]").attr("value"));
        assertTrue(other.getElementById("remove-authenticator-backup_id").attr("action").endsWith("two-factor/remove-authenticator"));
        assertTrue(other.select("a[href$=/totpguard/manage]").isEmpty(), "only the owner is sent to the settings page");

        Document own = Jsoup.parse(adminPage(edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 3,
                Optional.empty(), List.of(), authenticators, true))));
        assertTrue(own.select("form[id^=remove-authenticator-]").isEmpty(), "the owner removes theirs with a code, on the settings page");
        assertEquals(1, own.select("a[href$=/totpguard/manage]").size(), own::toString);

        Document last = Jsoup.parse(adminPage(edit(new TwoFactor(false, State.ACTIVE, Optional.of(TIME), Optional.empty(), 3,
                Optional.empty(), List.of(), authenticators.subList(0, 1), true))));
        assertTrue(last.select("form[id^=remove-authenticator-]").isEmpty(), "the last one goes by Disable, not by Remove");
    }

    @Test
    void formFieldsGetTheirValuesBackWhole() {
        Document edit = Jsoup.parse(adminPage(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0,
                Optional.of(new PendingEnrollment(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, TotpParameters.DEFAULT))))));
        assertEquals(HOSTILE, edit.getElementById("name").attr("value"));
        assertEquals(HOSTILE, edit.getElementById("email").attr("value"));
        assertEquals(HOSTILE, edit.selectFirst("img.qr").attr("src"));
        assertEquals("QR code for " + HOSTILE + ": " + HOSTILE, edit.selectFirst("img.qr").attr("alt"));
        assertEquals(HOSTILE, edit.selectFirst("code.key").text());
        Document added = Jsoup.parse(adminPage(new NewAdministratorPage(HOSTILE, "Name", "a@example.com", Optional.empty(), 10)));
        assertEquals(HOSTILE, added.getElementById("username").attr("value"));
    }

    @Test
    void invisibleCharactersFromOutsideAreShownAsCodePoints() {
        // "\u202Enimda" reads "admin" where the override is honoured; "a\u200Bdmin" reads "admin" too.
        String spoof = "\u202Enimda";
        Document log = Jsoup.parse(adminPage(new AuditLogPage(1, List.of(new AuditEntry(TIME, Optional.of("a\u200Bdmin"),
                spoof, "LOGIN_FAILED", Optional.of("127.0.0.1"), Optional.of("typed \u2066x\u2069"))))));
        String table = log.select("table").text();
        assertTrue(table.contains("<U+202E>nimda"), table);
        assertTrue(table.contains("a<U+200B>dmin"), table);
        assertTrue(table.contains("typed <U+2066>x<U+2069>"), table);
        assertFalse(log.html().contains("\u202E") || log.html().contains("\u200B") || log.html().contains("\u2066"), log.html());
        Document administrators = Jsoup.parse(adminPage(new AdministratorsPage(false, List.of(new AdministratorsPage.Row("bob",
                "Bob \u202Eevil", "bob@example.com", Optional.of(Text.verbatim("Enabled")), "/edit?user=bob")))));
        assertTrue(administrators.text().contains("Bob <U+202E>evil"), administrators.text());
        assertEquals(Optional.of(Text.of("problem.name", 200)), dev.totpguard.example.data.AdminDirectory.checkName("Bob \u202Eevil"));
        assertEquals(Optional.empty(), dev.totpguard.example.data.AdminDirectory.checkName("Zoë Ångström 李"));
        for (String hidden : List.of("\u202Emoc.elpmaxe@nimda", "e\u200B@example.com", "a@exa\u202Emple.com", "e\u2066x\u2069@example.com")) {
            assertTrue(dev.totpguard.example.data.AdminDirectory.checkEmail(hidden).isPresent(), hidden);
        }
        assertEquals(Optional.empty(), dev.totpguard.example.data.AdminDirectory.checkEmail("zoë@example.com"));
    }

    @Test
    void plainPagesRenderWithoutASessionToken() {
        String html = Pages.render(new LoginPage(false, false, true), "/ctx", Optional.empty(), Pages.Frame.plain(), ENGLISH).html();
        Document login = Jsoup.parse(html);
        assertEquals("/ctx/j_security_check", login.selectFirst("form").attr("action"));
        assertTrue(login.select("nav").isEmpty(), html);
        assertEquals(1, login.select("#j_totp").size(), html);
        // A page with a form of this application cannot be rendered without the token: it fails instead of
        // sending a form that CsrfFilter would refuse.
        assertThrows(IllegalArgumentException.class, () -> Pages.render(new SecuritySettingsPage(false, false, 0, 0), "", Optional.empty(),
                Pages.Frame.plain(), ENGLISH));
    }

    @Test
    void theBannerLinksToTheAdministratorsOwnSection() {
        Document page = Jsoup.parse(Pages.render(MenuPage.SETUP, "/ctx", Optional.of("token"),
                new Pages.Frame(true, Optional.of("a&b"), true), ENGLISH).html());
        assertEquals("/ctx/admin/setup/staff/administrators/edit?user=a%26b#two-factor", page.selectFirst(".banner a").attr("href"));
    }

    @ParameterizedTest
    @MethodSource("graceBanners")
    void withinTheGraceTheBannerSaysWhenTheSetUpIsRequiredAndLinksToIt(Text sentence, String english, String german) {
        ResourceBundle deutsch = new Messages(Text.BUNDLE, Text.LOCALES).bundle("de");
        for (var language : List.of(Map.entry(ENGLISH, english), Map.entry(deutsch, german))) {
            Document page = Jsoup.parse(Pages.render(MenuPage.SETUP, "/ctx", Optional.of("token"),
                    new Pages.Frame(true, Optional.of("a&b"), true, Optional.of(sentence)), language.getKey()).html());
            assertEquals(1, page.select(".banner").size(), page::toString);
            assertEquals(language.getValue(), page.selectFirst(".banner.grace").ownText());
            assertEquals("/ctx/admin/setup/staff/administrators/edit?user=a%26b#two-factor",
                    page.selectFirst(".banner.grace a").attr("href"));
            assertFalse(page.selectFirst(".banner.grace a").text().isBlank());
        }
    }

    static Stream<Arguments> graceBanners() {
        return Stream.of(
                Arguments.of(Text.of("grace.banner.days", 14), "Two-factor authentication will be required in 14 days.",
                        "Die Zwei-Faktor-Authentifizierung wird in 14 Tagen verlangt."),
                Arguments.of(Text.of("grace.banner.days", 1), "Two-factor authentication will be required in 1 day.",
                        "Die Zwei-Faktor-Authentifizierung wird in 1 Tag verlangt."),
                Arguments.of(Text.of("grace.banner.signIns", 0), "Two-factor authentication will be required from your next sign-in.",
                        "Die Zwei-Faktor-Authentifizierung wird ab Ihrer nächsten Anmeldung verlangt."),
                Arguments.of(Text.of("grace.banner.signIns", 3), "Two-factor authentication will be required after 3 more sign-ins.",
                        "Die Zwei-Faktor-Authentifizierung wird nach 3 weiteren Anmeldungen verlangt."),
                Arguments.of(Text.of("grace.banner.both", 2, 1),
                        "Two-factor authentication will be required in 2 days or after 1 more sign-in, whichever comes first.",
                        "Die Zwei-Faktor-Authentifizierung wird in 2 Tagen oder nach 1 weiteren Anmeldung verlangt, je nachdem, was zuerst eintritt."));
    }

    @Test
    void theGraceBannerIsEscapedAndShownOnlyToAnAdministratorWithoutTwoFactor() {
        String html = Pages.render(MenuPage.SETUP, HOSTILE, Optional.of("token"),
                new Pages.Frame(true, Optional.of(HOSTILE), true, Optional.of(HOSTILE_TEXT)), ENGLISH).html();
        assertFalse(html.contains("<script"), html);
        assertTrue(html.contains(ESCAPED), html);
        Document enrolled = Jsoup.parse(Pages.render(MenuPage.SETUP, "/ctx", Optional.of("token"),
                new Pages.Frame(true, Optional.of("alice"), false, Optional.of(Text.of("grace.banner.days", 3))), ENGLISH).html());
        assertTrue(enrolled.select(".banner").isEmpty(), enrolled::toString);
    }

    @Test
    void theSettingsPageNamesTheGracePeriod() {
        assertEquals("Administrators without it may go on for a grace period first (14 days or 5 sign-ins, whichever comes first), with"
                + " a banner linking to the set-up. The period starts once, when the setting is first turned on or when an administrator"
                + " is added later; signing in again does not start it again.",
                page(new SecuritySettingsPage(false, true, 14, 5)).selectFirst("p.grace").text());
        assertTrue(page(new SecuritySettingsPage(false, true, 0, 1)).selectFirst("p.grace").text().contains("(1 sign-in)"));
        assertTrue(page(new SecuritySettingsPage(false, true, 0, 0)).select("p.grace").isEmpty());
    }

    @Test
    void queryValuesArePercentEncoded() {
        assertEquals("/admin/setup/staff/administrators/edit?user=a%26b%3Dc+d", Paths.edit("", "a&b=c d"));
    }

    private static Document page(Page page) {
        return Jsoup.parse(Pages.render(page, "/ctx", Optional.of("token"), new Pages.Frame(true, Optional.of("alice"), true), ENGLISH).html());
    }

    private static EditAdministratorPage edit(TwoFactor twoFactor, Optional<FieldProblem> problem) {
        return new EditAdministratorPage("alice", "Alice", "alice@example.com", Optional.empty(), problem, twoFactor, "/ctx/edit",
                "/ctx/reset");
    }

    private static final PendingEnrollment PENDING = new PendingEnrollment("data:image/png;base64,AAAA",
            "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example", "Example", "alice", "JBSW Y3DP EHPK 3PXP", TotpParameters.DEFAULT);

    /** Issue 15, item 1: the banner is a note, which a screen reader does not announce on every page. */
    @Test
    void theBannerIsANoteNotAnAlert() {
        Document page = page(MenuPage.SETUP);
        assertEquals("note", page.selectFirst(".banner").attr("role"));
        assertTrue(page.select("[role=alert]").isEmpty(), page.html());
    }

    /** Issue 15, item 2: the error sits right after its field, which points at it, is marked invalid and has the focus. */
    @Test
    void aWrongEnrollmentCodeIsShownAtTheTokenCodeField() {
        Document page = page(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0, Optional.of(PENDING)),
                Optional.of(new FieldProblem("token_code", Text.verbatim("That token code is not right.")))));
        assertInvalidWithErrorBeside(page, "token_code", "That token code is not right.");
        assertTrue(page.select("p.error:not(.field-error)").isEmpty(), "no error at the top of the page: " + page.html());
        assertEquals(1, page.select("[autofocus]").size(), "one field has the focus");
        assertFalse(page.getElementById("name").hasAttr("aria-invalid"));
    }

    @Test
    void everyFieldOfTheExamplesFormsTakesItsError() {
        for (String field : List.of("name", "email")) {
            assertInvalidWithErrorBeside(page(edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 10,
                    Optional.empty()), Optional.of(new FieldProblem(field, Text.verbatim("wrong " + field))))), field, "wrong " + field);
        }
        for (String field : List.of("regenerate_code", "disable_code")) {
            assertInvalidWithErrorBeside(page(edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 10,
                    Optional.empty()), Optional.of(new FieldProblem(field, Text.verbatim("wrong " + field))))), field, "wrong " + field);
        }
        for (String field : List.of("username", "name", "email", "password", "password_confirm")) {
            assertInvalidWithErrorBeside(page(new NewAdministratorPage("bob", "Bob", "bob@example.com",
                    Optional.of(new FieldProblem(field, Text.verbatim("wrong " + field))), 10)), field, "wrong " + field);
        }
        Document login = Jsoup.parse(Pages.render(new LoginPage(true, false, true), "", Optional.empty(), Pages.Frame.plain(), ENGLISH).html());
        assertEquals("login-error", login.getElementById("j_username").attr("aria-describedby"));
        assertTrue(login.getElementById("j_username").hasAttr("autofocus"));
        assertEquals("form", login.getElementById("login-error").parent().tagName(), "the login error is inside the form");
    }

    @Test
    void aProblemAtAFieldThatIsNotOnThePageIsShownAboveIt() {
        Document page = page(edit(new TwoFactor(true, State.NONE, Optional.empty(), Optional.empty(), 0, Optional.empty()),
                Optional.of(new FieldProblem("token_code", Text.verbatim("Choose a method first.")))));
        assertEquals("Choose a method first.", page.selectFirst("main > p.error").text());
        assertTrue(page.select("[aria-invalid]").isEmpty());
    }

    private static void assertInvalidWithErrorBeside(Document page, String field, String text) {
        org.jsoup.nodes.Element input = page.getElementById(field);
        assertEquals("true", input.attr("aria-invalid"), page.html());
        assertEquals(field + "-error", input.attr("aria-describedby"));
        assertTrue(input.hasAttr("autofocus"), "the invalid field has the focus");
        org.jsoup.nodes.Element error = page.getElementById(field + "-error");
        assertEquals(text, error.text());
        assertEquals(error, input.nextElementSibling(), "the error is right after its field");
        assertEquals(1, page.select("[aria-invalid]").size(), "only the field the problem is about is marked");
    }

    /**
     * Issue 15, item 4: once TOTP is on, "Save Changes" belongs to the profile alone and comes before the two-factor
     * section, which has one part per action.
     */
    @Test
    void onceActiveSaveChangesIsTheProfilesAndEachActionHasItsSection() {
        Document page = page(edit(new TwoFactor(true, State.ACTIVE, Optional.of(TIME), Optional.empty(), 10, Optional.empty()),
                Optional.empty()));
        org.jsoup.nodes.Element save = page.selectFirst("button:containsOwn(Save Changes)");
        assertEquals(1, page.select("button:containsOwn(Save Changes)").size());
        assertEquals("edit-form", save.closest("form").id());
        assertTrue(page.getElementById("edit-form").select("input[name=token_code]").isEmpty(), "no token code with the profile");
        assertTrue(page.getElementById("edit-form").select("#two-factor").isEmpty(), "the 2FA section is outside the profile's form");
        List<String> order = page.select("button:containsOwn(Save Changes), #two-factor h2").eachText();
        assertEquals(List.of("Save Changes", "Two-Factor Authentication"), order);
        assertEquals(List.of("New recovery codes", "Turn off"), page.select("#two-factor section.action h3").eachText());
        for (org.jsoup.nodes.Element action : page.select("#two-factor section.action")) {
            assertEquals(1, action.select("form").size());
            assertEquals(1, action.select("input[name=token_code]").size());
            assertEquals(1, action.select("button").size());
        }
        assertEquals(2, page.select("label:containsOwn(Token Code)").size(), "at most two Token Code fields, one per action");
    }

    @Test
    void whilePendingTheTokenCodeIsSavedWithTheProfile() {
        Document page = page(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0, Optional.of(PENDING)),
                Optional.empty()));
        assertEquals(1, page.select("button:containsOwn(Save Changes)").size());
        assertEquals("edit-form", page.selectFirst("button:containsOwn(Save Changes)").attr("form"));
        assertEquals("edit-form", page.getElementById("token_code").attr("form"));
        assertEquals(1, page.select("label:containsOwn(Token Code)").size());
    }

    /** Issue 15, item 4: "I have saved my recovery codes" changes nothing, so it must not lead to "Your changes were saved.". */
    @Test
    void theSavedCodesLinkDoesNotClaimAChange() {
        RecoveryCodesPage codes = RecoveryCodesPage.forUser("/ctx", "alice", Text.verbatim("t"), Text.verbatim("i"), List.of("a"));
        assertFalse(codes.savedHref().contains("saved=1"), codes.savedHref());
        assertTrue(codes.savedHref().endsWith("#two-factor"), codes.savedHref());
    }

    /** Issue 15, item 5: the codes can be downloaded as a .txt file, copied with one selection and printed alone. */
    @Test
    void recoveryCodesCanBeDownloadedAsText() throws Exception {
        Document page = page(RecoveryCodesPage.forUser("/ctx", "alice", Text.verbatim("t"), Text.verbatim("i"), List.of("abcde-fghij", "klmno-pqrst")));
        org.jsoup.nodes.Element download = page.selectFirst("a[download]");
        assertEquals("recovery-codes.txt", download.attr("download"));
        assertEquals("Download as .txt", download.text());
        String href = download.attr("href");
        assertTrue(href.startsWith("data:text/plain;charset=utf-8,"), href);
        String file = java.net.URLDecoder.decode(href.substring(href.indexOf(',') + 1), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("Recovery codes for " + "TOTP Guard example" + " (alice). Each code works once.\r\n\r\nabcde-fghij\r\nklmno-pqrst\r\n", file);
        assertTrue(page.text().contains("Copy:") && page.text().contains("Print:"), page.text());
        assertTrue(page.select("script").isEmpty(), "no script: the CSP allows none");
        assertFalse(codesToString().contains("abcde"), "toString hides the codes");
    }

    private static String codesToString() {
        return RecoveryCodesPage.forUser("/ctx", "alice", Text.verbatim("t"), Text.verbatim("i"), List.of("abcde-fghij")).toString();
    }

    /** Issue 15, item 6: the otpauth:// link beside the QR code, the key in unbreakable groups, a read-only user name as text. */
    @Test
    void theEnrollmentOffersTheOtpauthLinkAndKeepsKeyGroupsWhole() {
        Document page = page(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0, Optional.of(PENDING)),
                Optional.empty()));
        org.jsoup.nodes.Element link = page.selectFirst("a.otpauth");
        assertEquals("Open in your authenticator app", link.text());
        assertEquals(PENDING.otpauthUri(), link.attr("href"));
        assertEquals(page.selectFirst("img.qr").parent(), link.parent(), "beside the QR code");
        assertEquals(List.of("JBSW", "Y3DP", "EHPK", "3PXP"), page.select("code.key span.group").eachText());
        assertEquals("JBSW Y3DP EHPK 3PXP", page.selectFirst("code.key").text());
        assertTrue(page.select("input#username").isEmpty(), "the user name is no field that looks editable");
        assertEquals("Username alice", page.selectFirst(".read-only").text());
        assertFalse(PENDING.toString().contains("JBSW"), "toString hides the secret");
    }

    /** Issue 15, item 7: a policy that Microsoft Authenticator, Authy or Google Authenticator cannot follow is said, as a note. */
    @Test
    void aNonDefaultPolicyNamesTheAppsThatCannotFollowItAndTheDefaultDoesNot() {
        TotpParameters sha256 = TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build();
        PendingEnrollment strict = new PendingEnrollment(PENDING.qrDataUri(), PENDING.otpauthUri(), PENDING.issuer(),
                PENDING.account(), PENDING.groupedKey(), sha256);
        Document page = page(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0, Optional.of(strict)),
                Optional.empty()));
        org.jsoup.nodes.Element note = page.selectFirst("p.compatibility");
        assertEquals("note", note.attr("role"), page.html());
        assertTrue(note.text().startsWith("This site uses SHA-256, 8 digits and a new code every 60 seconds. Microsoft"
                + " Authenticator and Authy support only SHA-1, 6 digits and 30 seconds"), note.text());
        assertTrue(note.text().contains("Google Authenticator on Android ignores the period"), note.text());
        assertTrue(note.text().contains("Some versions of Google Authenticator ignore the algorithm"), note.text());
        assertTrue(note.text().contains("app's settings"), "MessageFormat quotes undone: " + note.text());
        assertTrue(page.select("[role=alert]").isEmpty(), page.html());
        assertTrue(page.text().contains("Type the 8-digit code"), page.text());

        Document defaults = page(edit(new TwoFactor(true, State.PENDING, Optional.empty(), Optional.empty(), 0,
                Optional.of(PENDING)), Optional.empty()));
        assertTrue(defaults.select(".compatibility, [role=note]:contains(Authy)").isEmpty(), defaults.html());
        assertTrue(defaults.text().contains("Type the 6-digit code"), defaults.text());
    }
}
