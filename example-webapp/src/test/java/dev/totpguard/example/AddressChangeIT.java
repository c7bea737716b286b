package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing an administrator's e-mail address, over real HTTP against the launcher jar with {@code --smtp-*} towards
 * a real SMTP server in this JVM (GreenMail), {@code --trusted-browser-days 30} and an enforcement grace: the address
 * is where the account's security mails go, so changing it is a privileged action. A password-only session (a
 * colleague within the grace) is refused (403) whether it posts the Edit page or the change itself; a session a
 * trusted browser let in is asked for its code first; after the code the address changes and the OLD address gets a
 * mail saying so, with the new one masked, the acting administrator's user name and the client address, and no link.
 * The "A browser was trusted" mail says the client address too.
 */
class AddressChangeIT {

    private static final String PASSWORD = "address-admin-password";
    private static final String BOB_PASSWORD = "address-bob-password";
    private static final String FROM = "totpguard@example.com";
    private static final String TRUST_COOKIE = "totpguard-trust";
    private static final String EDIT_ADMIN = "/admin/setup/staff/administrators/edit?user=admin";
    private static final String CHANGE_EMAIL = "/admin/setup/staff/administrators/email";

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
    void anAddressChangesOnlyAfterTheActorsCodeAndTheOldAddressIsTold(@TempDir Path data) throws Exception {
        mailServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mailServer.start();
        launcher = LauncherProcess.start(Map.of("TOTPGUARD_ADMIN_PASSWORD", PASSWORD), "--port", "0", "--data", data.toString(),
                "--smtp-host", "127.0.0.1", "--smtp-port", Integer.toString(mailServer.getSmtp().getPort()), "--smtp-from", FROM,
                "--trusted-browser-days", "30", "--grace-days", "14", "--grace-sign-ins", "3");

        // admin sets up the code (a fresh one), adds bob, turns the requirement on: bob is then within the grace.
        WebClient admin = new WebClient(launcher.baseUrl());
        assertEquals("/admin/", admin.login("admin", PASSWORD).path());
        WebClient.Page enroll = admin.press(admin.get(EDIT_ADMIN), "Time-based Tokens (TOTP)", Map.of());
        TotpCodes app = TotpCodes.scan(enroll);
        admin.press(enroll, "Save Changes", Map.of("token_code", app.next()));
        WebClient.Page added = admin.press(admin.get("/admin/setup/staff/administrators/new"), "Add Administrator", Map.of(
                "username", "bob", "name", "Bob Example", "email", "bob@example.com", "password", BOB_PASSWORD, "password_confirm", BOB_PASSWORD));
        assertEquals("/admin/setup/staff/administrators", added.path(), added.text());
        assertTrue(admin.press(admin.get("/admin/setup/security"), "Turn on", Map.of()).text().contains("Now: On"));

        // bob, password only within the grace, cannot move admin's mails to himself: neither through the Edit page...
        WebClient bob = new WebClient(launcher.baseUrl());
        assertEquals("/admin/", bob.login("bob", BOB_PASSWORD).path());
        WebClient.Page refused = bob.press(bob.get(EDIT_ADMIN), "Save Changes", Map.of("email", "bob@example.net"));
        assertEquals(403, refused.status(), refused.path() + ": " + refused.text());
        assertTrue(refused.text().contains("needs your own two-factor authentication"), refused.text());
        // ... nor by posting the change itself.
        String csrf = bob.get(EDIT_ADMIN).document().select("input[name=totpguard_csrf]").val();
        HttpResponse<String> posted = bob.raw("POST", CHANGE_EMAIL, "totpguard_csrf=" + csrf + "&user=admin&email=bob%40example.net");
        assertEquals(403, posted.statusCode(), posted.body());
        assertEquals("admin@example.com", admin.get(EDIT_ADMIN).labelled("Email").val(), "admin's address did not change");

        // A browser admin trusts, then reopened: the password alone signs in, and the change asks for the code.
        WebClient laptop = new WebClient(launcher.baseUrl());
        WebClient.Page token = laptop.loginToTokenPage("admin", PASSWORD);
        assertEquals("/admin/", laptop.press(token, "Verify", Map.of(token.labelled("Token Code").attr("name"), app.next(), "trust", "on")).path());
        WebClient reopened = new WebClient(launcher.baseUrl());
        reopened.useCookie(TRUST_COOKIE, laptop.cookie(TRUST_COOKIE).orElseThrow());
        assertEquals("/admin/", reopened.login("admin", PASSWORD).path(), "the trusted browser skips the code");
        WebClient.Page asked = reopened.press(reopened.get(EDIT_ADMIN), "Save Changes", Map.of("email", "new-admin@example.org"));
        assertEquals("/totpguard/token", asked.path(), "a trusted browser's session gives the code first: " + asked.text());
        assertEquals("admin@example.com", admin.get(EDIT_ADMIN).labelled("Email").val(), "nothing changed before the code");

        WebClient.Page change = reopened.enterTokenCode(asked, app.next());
        assertEquals(CHANGE_EMAIL, change.path(), change.text());
        assertEquals("new-admin@example.org", change.labelled("New e-mail address").val());
        WebClient.Page saved = reopened.press(change, "Change E-mail Address", Map.of());
        assertTrue(saved.text().contains("Your changes were saved."), saved.text());
        assertEquals("new-admin@example.org", saved.labelled("Email").val());

        MimeMessage trusted = mail("A browser was trusted for your account");
        assertTrue(body(trusted).contains("The request came from the address 127.0.0.1."), body(trusted));
        MimeMessage changed = mail("The e-mail address of your account was changed");
        assertEquals(List.of(new InternetAddress("admin@example.com")), Arrays.asList(changed.getRecipients(Message.RecipientType.TO)),
                "to the OLD address only");
        assertEquals(1, changed.getAllRecipients().length);
        String text = body(changed);
        assertTrue(text.contains("the administrator admin changed the e-mail address of your administrator account admin to n***@example.org."),
                text);
        assertTrue(text.contains("The request came from the address 127.0.0.1."), text);
        assertFalse(text.contains("new-admin@example.org") || text.contains("http") || text.contains(app.base32()), "masked, no link: " + text);
    }

    /** The one mail with {@code subject}, waiting for the queue to deliver it. */
    private MimeMessage mail(String subject) throws Exception {
        long until = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < until) {
            List<MimeMessage> found = Arrays.stream(mailServer.getReceivedMessages()).filter(mail -> {
                try {
                    return mail.getSubject().equals(subject);
                } catch (jakarta.mail.MessagingException e) {
                    throw new AssertionError(e);
                }
            }).toList();
            if (found.size() == 1) {
                return found.get(0);
            }
            assertTrue(found.isEmpty(), "one mail '" + subject + "', not " + found.size());
            mailServer.waitForIncomingEmail(1_000, mailServer.getReceivedMessages().length + 1);
        }
        throw new AssertionError("no mail '" + subject + "' within 30 s");
    }

    private static String body(MimeMessage mail) throws Exception {
        return ((String) mail.getContent()).replace("\r\n", "\n");
    }
}
