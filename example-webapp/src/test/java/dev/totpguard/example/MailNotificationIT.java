package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notification mails end to end: the launcher jar started with {@code --smtp-host}/{@code --smtp-port}/
 * {@code --smtp-from} towards a real SMTP server in this JVM (GreenMail); an administrator whose browser prefers
 * German turns on TOTP through the pages over real HTTP and receives the "set up" mail, in German, at the address of
 * their profile, without the secret or a recovery code in it.
 */
class MailNotificationIT {

    private static final String ADMIN_PASSWORD = "first-admin-password";
    private static final String FROM = "totpguard@example.com";

    private GreenMail mailServer;
    private LauncherProcess launcher;

    @AfterEach
    void stop() {
        if (launcher != null) {
            launcher.close();
        }
        if (mailServer != null) {
            mailServer.stop();
        }
    }

    @Test
    void turningOnTotpThroughThePagesMailsTheAdministratorInThePagesLanguage(@TempDir Path data) throws Exception {
        mailServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mailServer.start();
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD), "--port", "0", "--data", data.toString(),
                "--smtp-host", "127.0.0.1", "--smtp-port", Integer.toString(mailServer.getSmtp().getPort()), "--smtp-from", FROM);
        assertTrue(launcher.output().contains("Notification mails go to the administrators' addresses through 127.0.0.1:"
                + mailServer.getSmtp().getPort() + " (plain SMTP), from " + FROM + "."), launcher.output());

        WebClient german = new WebClient(launcher.baseUrl(), "de-DE,de;q=0.9");
        WebClient.Page login = german.get("/admin/");
        WebClient.Page dashboard = german.press(login, "Anmelden", Map.of("j_username", "admin", "j_password", ADMIN_PASSWORD));
        assertEquals("/admin/", dashboard.path());
        WebClient.Page enroll = german.press(german.click(dashboard, "Zwei-Faktor-Authentifizierung aktivieren"), "Zeitbasierte Token (TOTP)",
                Map.of());
        // The German page's QR image (its alt text is German, so not TotpCodes.scan's English one).
        TotpCodes app = TotpCodes.fromImageSource(enroll.document().select("img[src^=data:image/png]").first().attr("src"));
        WebClient.Page enrolled = german.press(enroll, "Änderungen speichern", Map.of("token_code", app.next()));
        List<String> recoveryCodes = enrolled.document().select("ul.recovery-codes code").eachText();
        assertEquals(10, recoveryCodes.size(), enrolled.text());

        assertTrue(mailServer.waitForIncomingEmail(30_000, 1), "the 'set up' mail arrives");
        MimeMessage[] received = mailServer.getReceivedMessages();
        assertEquals(1, received.length, "one mail for one change (the logins and the code sent none)");
        MimeMessage mail = received[0];
        assertEquals("admin@example.com", ((InternetAddress) mail.getAllRecipients()[0]).getAddress());
        assertEquals(FROM, ((InternetAddress) mail.getFrom()[0]).getAddress());
        assertEquals("Für Ihr Konto wurde die Zwei-Faktor-Authentifizierung eingerichtet", mail.getSubject());
        String text = (String) mail.getContent();
        assertTrue(text.contains("Administratorkonto admin"), text);
        assertFalse(text.contains(app.base32()), "no secret in the mail: " + text);
        for (String code : recoveryCodes) {
            assertFalse(text.contains(code), "no recovery code in the mail: " + text);
        }
        assertFalse(text.contains("http"), "no link in the mail: " + text);
    }
}
