package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.config.Settings;
import dev.totpguard.internal.web.Messages;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The markup of the filter's own pages (issue 15): a wrong code is said at its field, which is marked invalid,
 * points at the error and has the focus; the enrollment offers the {@code otpauth://} link beside the QR code.
 */
class PagesMarkupTest {

    private static final FilterSettings SETTINGS = FilterSettings.from(Settings.of(Map.of(), "setting"));
    private static final Pages PAGES = new Pages(SETTINGS, new SecureRandom(), "rendering", new Object());
    private static final Pages.Context CONTEXT = new Pages.Context("alice", "csrf-token", null, 6, 30, "SHA1", "/ctx/totpguard");
    private static final Page.Enroll ENROLL = new Page.Enroll(Page.Reply.OK, "data:image/png;base64,AAAA",
            "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example", "JBSW Y3DP EHPK 3PXP", "Example", "alice", Route.CONFIRM);

    private static String html(Page page) {
        ResourceBundle bundle = new Messages(SETTINGS.messagesBundle(), SETTINGS.locales()).bundle("en");
        return PAGES.html(page, CONTEXT, bundle, "nonce", "");
    }

    @Test
    void aWrongTokenCodeIsSaidAtTheField() {
        String html = html(new Page.Token(Page.Reply.notice("token.invalid")));
        assertInvalidField(html, "code", "code", "Invalid code. Please try again.");
    }

    @Test
    void aLockoutIsSaidAtTheFieldToo() {
        String html = html(new Page.Token(Page.Reply.locked(Duration.ofMinutes(1))));
        assertInvalidField(html, "code", "code", "Too many attempts. Try again in 1 minute.");
    }

    @Test
    void aWrongRecoveryCodeIsSaidAtTheField() {
        String html = html(new Page.Recovery(Page.Reply.notice("recovery.invalid")));
        assertInvalidField(html, "recovery-code", "recovery", "Invalid recovery code. Please try again.");
    }

    @Test
    void aWrongFirstCodeIsSaidAtTheEnrollmentsField() {
        String html = html(new Page.Enroll(Page.Reply.notice("enroll.invalid"), ENROLL.qrDataUri(), ENROLL.otpauthUri(),
                ENROLL.groupedKey(), "Example", "alice", Route.CONFIRM));
        assertInvalidField(html, "code", "code",
                "That code does not match. Check the time on your phone and try the current code again.");
    }

    @Test
    void aWrongCodeOnTheSettingsPageIsSaidAtTheFieldOfTheRefusedForm() {
        String html = html(new Page.Manage(Page.Reply.notice("manage.invalid"), true, 7, true, Route.REGENERATE));
        assertEquals("true", attribute(html, "code-regenerate", "aria-invalid"), html);
        assertEquals("code-regenerate-error", attribute(html, "code-regenerate", "aria-describedby"));
        assertNotNull(attribute(html, "code-regenerate", "autofocus"));
        Matcher beside = Pattern.compile("<input id=\"code-regenerate\"[^>]*>\\s*<p id=\"code-regenerate-error\" class=\"error\">([^<]*)</p>")
                .matcher(html);
        assertTrue(beside.find(), "the error right after the field: " + html);
        assertEquals("Invalid code. Nothing was changed.", beside.group(1));
        assertFalse(html.contains("role=\"alert\"") || html.contains("role=\"status\""), "not again above the page: " + html);
        for (String other : List.of("code-reenroll", "code-disable")) {
            assertNull(attribute(html, other, "aria-invalid"), other);
            assertNull(attribute(html, other, "autofocus"), other);
        }
        String untouched = html(new Page.Manage(Page.Reply.OK, true, 7, true, null));
        assertFalse(untouched.contains("<p id=\"code-") || untouched.contains("aria-invalid=\"true\""), untouched);
    }

    @Test
    void withoutAnErrorTheFieldIsNotMarked() {
        String html = html(new Page.Token(Page.Reply.OK));
        assertNull(attribute(html, "code", "aria-invalid"));
        assertEquals("code-hint", attribute(html, "code", "aria-describedby"));
        assertNotNull(attribute(html, "code", "autofocus"));
        assertFalse(html.contains("class=\"error\""), html);
    }

    @Test
    void aRefusalWithoutACodeFieldStaysAboveThePage() {
        String html = html(new Page.Message(403, "message.forbidden.title", "message.forbidden.csrf"));
        assertTrue(html.contains("<p class=\"error\" role=\"alert\">"), html);
    }

    @Test
    void theEnrollmentOffersTheOtpauthLinkBesideTheQrCode() {
        String html = html(ENROLL);
        Matcher link = Pattern.compile("<img [^>]*>\\s*<p>[^<]*<a class=\"otpauth\" href=\"([^\"]*)\">([^<]*)</a></p></li>").matcher(html);
        assertTrue(link.find(), "the link right after the QR code: " + html);
        assertEquals(ENROLL.otpauthUri().replace("&", "&amp;"), link.group(1));
        assertEquals("Open in your authenticator app", link.group(2));
        // The key stays plain text (tests and drop-in users read it so); it breaks only at the spaces between groups.
        assertTrue(html.contains("<dd class=\"key\" id=\"key\">JBSW Y3DP EHPK 3PXP</dd>"), html);
        assertEquals(ENROLL.otpauthUri(), ENROLL.attributes().get("otpauthUri"), "a replacement page gets the link too");
        assertFalse(ENROLL.toString().contains("JBSW"), "toString hides the key");
    }

    /** @param prefix of the ids of the error ({@code prefix-error}) and of the hint ({@code prefix-hint}) */
    private static void assertInvalidField(String html, String field, String prefix, String text) {
        String errorId = prefix + "-error";
        assertEquals("true", attribute(html, field, "aria-invalid"), html);
        assertEquals(errorId + " " + prefix + "-hint", attribute(html, field, "aria-describedby"), "the error, then the hint");
        assertNotNull(attribute(html, field, "autofocus"));
        Matcher beside = Pattern.compile("<input id=\"" + field + "\"[^>]*>\\s*<p id=\"" + errorId + "\" class=\"error\">([^<]*)</p>")
                .matcher(html);
        assertTrue(beside.find(), "the error right after the field: " + html);
        assertEquals(text, beside.group(1));
        assertFalse(html.contains("role=\"alert\""), "not again above the page: " + html);
    }

    /** The value of {@code name} on the input {@code id}: "" for an attribute without a value, null when absent. */
    private static String attribute(String html, String id, String name) {
        Matcher input = Pattern.compile("<input id=\"" + id + "\"([^>]*)>").matcher(html);
        assertTrue(input.find(), html);
        Matcher attribute = Pattern.compile("\\s" + name + "(?:=\"([^\"]*)\")?(?=[\\s>]|$)").matcher(input.group(1));
        return attribute.find() ? (attribute.group(1) == null ? "" : attribute.group(1)) : null;
    }

    private static void assertNotNull(Object value) {
        org.junit.jupiter.api.Assertions.assertNotNull(value);
    }
}
