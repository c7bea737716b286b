package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's pages over real HTTP against the launcher jar speak the shipped language the browser prefers:
 * German for {@code de-DE,de;q=0.9}, English for a language that does not ship, and nothing else whatever tags
 * clients send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageLanguageIT {

    private static final String ADMIN_PASSWORD = "first-admin-password";
    private static final Pattern HTML_LANG = Pattern.compile("<html lang=\"([^\"]*)\">");

    private LauncherProcess launcher;

    @BeforeAll
    void startTheExample(@TempDir Path data) throws Exception {
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD), "--port", "0", "--data", data.toString());
    }

    @AfterAll
    void stopTheExample() throws Exception {
        if (launcher != null) {
            launcher.close();
        }
    }

    @Test
    void aGermanBrowserGetsTheLoginAndEditPagesInGerman() throws Exception {
        WebClient german = new WebClient(launcher.baseUrl(), "de-DE,de;q=0.9");
        WebClient.Page login = german.get("/admin/");
        assertEquals("/login", login.path());
        assertEquals("de", login.document().selectFirst("html").attr("lang"));
        assertEquals("Anmeldung für Administratoren - TOTP-Guard-Beispiel", login.document().title());
        assertEquals("j_username", login.labelled("Benutzername").attr("name"));
        assertEquals("j_password", login.labelled("Passwort").attr("name"));

        WebClient.Page failed = german.press(login, "Anmelden", Map.of("j_username", "admin", "j_password", "wrong-password"));
        assertTrue(failed.text().contains("Anmeldung fehlgeschlagen"), failed.text());

        WebClient.Page dashboard = german.press(german.get("/login"), "Anmelden", Map.of("j_username", "admin", "j_password", ADMIN_PASSWORD));
        assertEquals("/admin/", dashboard.path());
        assertEquals("de", dashboard.document().selectFirst("html").attr("lang"));
        assertEquals("Zwei-Faktor-Authentifizierung aktivieren", dashboard.document().selectFirst(".banner a").text());

        WebClient.Page edit = german.click(german.click(german.click(dashboard, "Einrichtung"), "Personalverwaltung"), "Administratoren");
        edit = german.click(edit, "Bearbeiten");
        assertEquals("de", edit.document().selectFirst("html").attr("lang"));
        assertEquals("Administrator bearbeiten: admin - TOTP-Guard-Beispiel", edit.document().title());
        assertTrue(edit.text().contains("Zwei-Faktor-Authentifizierung Status: Nicht aktiviert"), edit.text());
        WebClient.Page enroll = german.press(edit, "Zeitbasierte Token (TOTP)", Map.of());
        assertEquals("de", enroll.document().selectFirst("html").attr("lang"));
        assertEquals("token_code", enroll.labelled("Token-Code").attr("name"));
        assertTrue(enroll.text().contains("Installieren Sie eine Authenticator-App auf Ihrem Telefon"), enroll.text());
        assertTrue(enroll.document().selectFirst("img.qr").attr("alt").startsWith("QR-Code für "), enroll.text());
        assertFalse(enroll.text().contains("Save Changes"), enroll.text());
        assertEquals(1, enroll.document().select("button:containsOwn(Änderungen speichern)").size(), enroll.text());
    }

    @Test
    void aLanguageThatDoesNotShipGetsEnglish() throws Exception {
        WebClient french = new WebClient(launcher.baseUrl(), "fr");
        WebClient.Page login = french.get("/admin/");
        assertEquals("en", login.document().selectFirst("html").attr("lang"));
        assertEquals("Administrator Login - TOTP Guard example", login.document().title());
        WebClient.Page dashboard = french.press(login, "Login", Map.of("j_username", "admin", "j_password", ADMIN_PASSWORD));
        WebClient.Page edit = french.click(french.click(french.click(french.click(dashboard, "Setup"), "Staff Management"),
                "Administrators"), "Edit");
        assertEquals("en", edit.document().selectFirst("html").attr("lang"));
        assertTrue(edit.text().contains("Two-Factor Authentication Status:"), edit.text());
    }

    @Test
    void tenThousandDistinctTagsGetOnlyTheShippedLanguages() throws Exception {
        WebClient client = new WebClient(launcher.baseUrl());
        Random random = new Random(15);
        Set<String> tags = new HashSet<>();
        Set<String> languages = new TreeSet<>();
        while (tags.size() < 10_000) {
            String tag = letters(random, 2 + random.nextInt(2)) + "-" + letters(random, 2).toUpperCase()
                    + "-x-" + Integer.toString(random.nextInt(Integer.MAX_VALUE), 36);
            if (tags.add(tag)) {
                String header = tags.size() % 3 == 0 ? tag + ", de;q=0.1" : tag;
                HttpResponse<String> login = client.raw("GET", "/login", null, Map.of("Accept-Language", header));
                assertEquals(200, login.statusCode(), header);
                String expected = tag.startsWith("en-") ? "en"
                        : tag.startsWith("de-") || header.endsWith("de;q=0.1") ? "de" : "en";
                assertEquals(expected, lang(login.body()), header);
                languages.add(lang(login.body()));
            }
        }
        assertEquals(Set.of("de", "en"), languages);
    }

    private static String letters(Random random, int count) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        return letters.toString();
    }

    private static String lang(String html) {
        Matcher matcher = HTML_LANG.matcher(html);
        assertTrue(matcher.find(), html);
        return matcher.group(1);
    }
}
