package dev.totpguard.example.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.Notification;
import dev.totpguard.NotifyingTwoFactorListener;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AuditListener;
import dev.totpguard.example.data.AuditLog;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.testkit.MutableClock;
import dev.totpguard.testkit.RecordingLogger;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's notification mails through a real SMTP server in this JVM (GreenMail), on a real H2 database with
 * the example's administrators and TOTP Guard's JDBC store: one mail per change to the administrator's address with
 * the change's facts and never a secret or a code; no header injection through a stored name; a dead mail server
 * fails no login and is counted. Over TLS: a mail reaches an SMTPS server whose certificate the trust store vouches for
 * by the name it was reached by; one whose certificate no trusted CA signed, or that names another host, gets
 * nothing, and neither does a plain server when STARTTLS is required; each refusal is logged with its cause and
 * counted, and the login goes on.
 */
class MailNotifierTest {

    static final String FROM = "totpguard@example.com";
    static final String ADDRESS = "192.0.2.44";
    static final long WAIT_MILLIS = 20_000;
    static ServerCertificate certificate;

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T09:30:15Z"));
    GreenMail mailServer;
    final RecordingLogger log = new RecordingLogger();
    HikariDataSource dataSource;
    AdminAccounts accounts;
    final List<NotifyingTwoFactorListener> listeners = new ArrayList<>();
    final List<GreenMail> tlsServers = new ArrayList<>();
    /** Everything that must never appear in a mail: the secrets' Base32 and every recovery code. */
    final List<String> secrets = new ArrayList<>();

    /**
     * GreenMail's TLS servers all take their key from these JVM-wide properties, read once at the first TLS server
     * in the JVM: this test's certificate, made here, since no other test starts one.
     */
    @BeforeAll
    static void makeTheServerCertificate(@TempDir Path directory) throws Exception {
        certificate = ServerCertificate.create(directory);
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, certificate.keyStore().toString());
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, ServerCertificate.PASSWORD);
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY, ServerCertificate.PASSWORD);
    }

    @BeforeEach
    void startMailServerAndDatabase() throws Exception {
        mailServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mailServer.start();
        dataSource = DataSources.open("jdbc:h2:mem:mail-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Optional.empty(), Optional.empty(), 4);
        AdminAccounts.createSchema(dataSource);
        accounts = new AdminAccounts(dataSource, PasswordHash.builder().build(), clock);
        accounts.add("alice", "Alice Example", "alice@example.com", "alice-password-1".toCharArray());
        accounts.add("root", "Root Admin", "root@example.com", "root-password-1".toCharArray());
    }

    @AfterEach
    void stop() {
        listeners.forEach(NotifyingTwoFactorListener::close);
        tlsServers.forEach(GreenMail::stop);
        mailServer.stop();
        dataSource.close();
    }

    NotifyingTwoFactorListener notifications(int smtpPort, Optional<Locale> pageLanguage) {
        SmtpSettings settings = new SmtpSettings("127.0.0.1", smtpPort, FROM, SmtpSettings.Security.NONE, Optional.empty(), Optional.empty());
        return notifications(settings, pageLanguage, log);
    }

    NotifyingTwoFactorListener notifications(SmtpSettings settings, Optional<Locale> pageLanguage, System.Logger logger) {
        NotifyingTwoFactorListener listener = NotifyingTwoFactorListener.builder(new MailNotifier(settings, accounts.directory(), clock))
                .language(() -> pageLanguage).logger(logger).build();
        listeners.add(listener);
        return listener;
    }

    TwoFactorService service(NotifyingTwoFactorListener notifications) throws Exception {
        return TwoFactorService.builder()
                .store(JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true).build())
                .keyRing(KeyRing.generate(new SecureRandom()))
                .clock(clock)
                .listener(new AuditListener(new AuditLog(dataSource)).andThen(notifications))
                .recoveryCodeIterations(1000)
                .build();
    }

    /** Enrolls {@code user} as the Edit page does; returns the recovery codes and leaves the clock one step on. */
    Enrollment enroll(TwoFactorService service, String user, List<String> recoveryCodes) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        secrets.add(enrollment.otpAuthUri().secret().toBase32());
        EnrollmentResult result = service.confirmEnrollment(user, enrollment.nonce(), code(enrollment), ADDRESS);
        assertTrue(result.isAccepted());
        secrets.addAll(result.recoveryCodes());
        recoveryCodes.addAll(result.recoveryCodes());
        clock.advance(Duration.ofSeconds(30));
        return enrollment;
    }

    String code(Enrollment enrollment) {
        return Totp.builder().parameters(enrollment.otpAuthUri().parameters()).build()
                .generate(enrollment.otpAuthUri().secret().bytes(), clock.instant());
    }

    /** The next mail the server received, the {@code count}th in all. */
    MimeMessage mail(int count) {
        assertTrue(mailServer.waitForIncomingEmail(WAIT_MILLIS, count), "mail number " + count + " within " + WAIT_MILLIS + " ms");
        MimeMessage[] received = mailServer.getReceivedMessages();
        assertEquals(count, received.length, "one mail per change");
        return received[count - 1];
    }

    @Test
    void everyChangeMailsTheAdministratorOnceWithItsFactsAndNoSecret() throws Exception {
        TwoFactorService service = service(notifications(mailServer.getSmtp().getPort(), Optional.empty()));
        List<String> codes = new ArrayList<>();
        Enrollment enrollment = enroll(service, "alice", codes);
        MimeMessage enrolled = mail(1);
        assertArrayEquals(new Address[] {new InternetAddress("alice@example.com")},
                enrolled.getRecipients(Message.RecipientType.TO));
        assertArrayEquals(new Address[] {new InternetAddress(FROM)}, enrolled.getFrom());
        assertEquals("Two-factor authentication was set up for your account", enrolled.getSubject());
        assertEquals("auto-generated", enrolled.getHeader("Auto-Submitted", null));
        String text = body(enrolled);
        assertTrue(text.startsWith("Hello alice,"), text);
        assertTrue(text.contains("administrator account alice on 2026-12-04 09:30 UTC"), text);
        assertTrue(text.contains("The request came from the address " + ADDRESS + "."), text);

        assertEquals(Verification.Outcome.ACCEPTED, service.verify("alice", code(enrollment), ADDRESS).outcome());
        assertTrue(service.useRecoveryCode("alice", codes.get(0), ADDRESS).isAccepted());
        MimeMessage recovery = mail(2);
        assertEquals("A recovery code was used to sign in to your account", recovery.getSubject());
        assertTrue(body(recovery).contains("9 recovery codes are left."), body(recovery));

        secrets.addAll(service.regenerateRecoveryCodes("alice"));
        assertEquals("New recovery codes were made for your account", mail(3).getSubject());

        while (service.verify("alice", "00000", ADDRESS).outcome() == Verification.Outcome.INVALID) {
            // wrong codes until the lock
        }
        MimeMessage locked = mail(4);
        assertEquals("Your two-factor authentication is locked", locked.getSubject());
        assertTrue(body(locked).contains("locked until 2026-12-04 09:"), body(locked));

        service.reset("alice", "root");
        MimeMessage reset = mail(5);
        assertEquals("An administrator removed your two-factor authentication", reset.getSubject());
        assertTrue(body(reset).contains("The administrator root removed"), body(reset));

        enroll(service, "alice", new ArrayList<>());
        assertEquals("Two-factor authentication was set up for your account", mail(6).getSubject());
        service.disable("alice");
        MimeMessage disabled = mail(7);
        assertEquals("Two-factor authentication was turned off for your account", disabled.getSubject());

        listeners.get(0).close();
        assertEquals(7, mailServer.getReceivedMessages().length, "nothing for accepted or refused codes");
        assertEquals(7, listeners.get(0).sent());
        for (MimeMessage mail : mailServer.getReceivedMessages()) {
            assertEquals("alice@example.com", ((InternetAddress) mail.getAllRecipients()[0]).getAddress());
            assertEquals(1, mail.getAllRecipients().length);
            String all = mail.getSubject() + "\n" + body(mail);
            for (String secret : secrets) {
                assertFalse(all.contains(secret), "a mail holds a secret or recovery code: " + all);
            }
            assertFalse(all.contains("http") || all.contains("otpauth"), "no link: " + all);
            assertTrue(all.contains("If this was not you, tell another administrator at once"), all);
        }
    }

    @Test
    void addingAndRemovingAnAuthenticatorMailsWhichOneByItsLabel() throws Exception {
        TwoFactorService service = service(notifications(mailServer.getSmtp().getPort(), Optional.empty()));
        Enrollment phone = enroll(service, "alice", new ArrayList<>());
        mail(1);
        Enrollment backup = service.startAuthenticator(service.verify("alice", code(phone), ADDRESS), "backup YubiKey app");
        secrets.add(backup.otpAuthUri().secret().toBase32());
        assertTrue(service.confirmAuthenticator("alice", backup.nonce(), code(backup), ADDRESS).isAccepted());

        MimeMessage added = mail(2);
        assertEquals("An authenticator was added to your account", added.getSubject());
        assertTrue(body(added).contains("the authenticator \"backup YubiKey app\" was added to your administrator account alice"),
                body(added));
        assertTrue(body(added).contains("The request came from the address " + ADDRESS + "."), body(added));

        String backupId = service.authenticators("alice").get(1).id();
        assertTrue(service.removeAuthenticator("alice", backupId, "root"));
        MimeMessage removed = mail(3);
        assertEquals("An authenticator was removed from your account", removed.getSubject());
        // The acting administrator by user name only: a full name is free text that administrator chose.
        assertTrue(body(removed).contains("the administrator root removed the authenticator \"backup YubiKey app\""),
                body(removed));
        assertFalse(body(removed).contains("Root Admin"), body(removed));
        for (MimeMessage mail : mailServer.getReceivedMessages()) {
            String all = mail.getSubject() + "\n" + body(mail);
            for (String secret : secrets) {
                assertFalse(all.contains(secret), "a mail holds a secret: " + all);
            }
        }
    }

    @Test
    void theMailSpeaksThePageLanguage() throws Exception {
        TwoFactorService service = service(notifications(mailServer.getSmtp().getPort(), Optional.of(Locale.GERMAN)));
        enroll(service, "alice", new ArrayList<>());
        MimeMessage enrolled = mail(1);
        assertEquals("Für Ihr Konto wurde die Zwei-Faktor-Authentifizierung eingerichtet", enrolled.getSubject());
        assertTrue(body(enrolled).startsWith("Hallo alice,"), body(enrolled));
    }

    @Test
    void aStoredNameWithLineBreaksAddsNoHeaderAndNoRecipient() throws Exception {
        setProfile("alice", "Alice\r\nBcc: mallory@example.net\r\nX-Injected: yes", "alice@example.com");
        NotifyingTwoFactorListener notifications = notifications(mailServer.getSmtp().getPort(), Optional.empty());
        TwoFactorService service = service(notifications);
        enroll(service, "alice", new ArrayList<>());
        MimeMessage mail = mail(1);
        notifications.close();

        assertEquals(1, mailServer.getReceivedMessages().length, "delivered once, to alice only");
        assertEquals(List.of("alice@example.com"), List.of(((InternetAddress) mail.getAllRecipients()[0]).getAddress()));
        assertNull(mail.getHeader("Bcc"));
        assertNull(mail.getHeader("X-Injected"));
    }

    /**
     * Full names are free text another administrator may choose: a "verify at https://..." sentence or an RFC 2047
     * encoded word in the reader's name or in the acting administrator's must reach no header and no line of any mail.
     */
    @Test
    void noFreeTextNameReachesAnyMailHeaderOrBody() throws Exception {
        String lure = "Admin. URGENT: verify at https://evil.example/verify and reply with your token code";
        String encoded = "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString("Support Desk".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=";
        setProfile("alice", lure + " " + encoded, "alice@example.com");
        setProfile("root", encoded + " " + lure, "root@example.com");
        NotifyingTwoFactorListener notifications = notifications(mailServer.getSmtp().getPort(), Optional.empty());
        TwoFactorService service = service(notifications);
        enroll(service, "alice", new ArrayList<>());
        service.reset("alice", "root");
        mail(2);
        notifications.close();

        for (MimeMessage mail : mailServer.getReceivedMessages()) {
            StringBuilder headers = new StringBuilder();
            for (java.util.Enumeration<String> lines = mail.getAllHeaderLines(); lines.hasMoreElements(); ) {
                headers.append(lines.nextElement()).append('\n');
            }
            String all = headers + "\n" + mail.getSubject() + "\n" + body(mail);
            for (String written : List.of("evil.example", "URGENT", "=?UTF-8?B?", "Support Desk", "Admin.")) {
                assertFalse(all.contains(written), "\"" + written + "\" reached a mail: " + all);
            }
            assertEquals(new InternetAddress("alice@example.com"), mail.getRecipients(Message.RecipientType.TO)[0]);
            assertNull(((InternetAddress) mail.getRecipients(Message.RecipientType.TO)[0]).getPersonal(), "no display name");
            assertTrue(body(mail).startsWith("Hello alice,"), body(mail));
        }
        assertTrue(body(mailServer.getReceivedMessages()[1]).contains("The administrator root removed"));
    }

    @Test
    void aStoredAddressWithLineBreaksIsRefusedNotSent() throws Exception {
        setProfile("alice", "Alice Example", "alice@example.com\r\nBcc: mallory@example.net");
        NotifyingTwoFactorListener notifications = notifications(mailServer.getSmtp().getPort(), Optional.empty());
        enroll(service(notifications), "alice", new ArrayList<>());
        notifications.close();

        assertEquals(1, notifications.failed());
        assertEquals(0, mailServer.getReceivedMessages().length);
        assertThrows(AddressException.class, () -> MailNotifier.address("a@example.com\nBcc: b@example.com"));
        assertThrows(AddressException.class, () -> MailNotifier.address("Eve <eve@example.com>"), "a name is no plain address");
        assertThrows(AddressException.class, () -> MailNotifier.address("a@example.com, b@example.com"));
    }

    @Test
    void aDeadMailServerNeitherFailsNorHoldsUpALoginAndIsCounted() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        NotifyingTwoFactorListener notifications = notifications(closedPort, Optional.empty());
        TwoFactorService service = service(notifications);
        List<String> codes = new ArrayList<>();
        Enrollment enrollment = enroll(service, "alice", codes);

        assertEquals(Verification.Outcome.ACCEPTED, service.verify("alice", code(enrollment), ADDRESS).outcome());
        assertTrue(service.useRecoveryCode("alice", codes.get(0), ADDRESS).isAccepted(), "a login with a recovery code");
        long deadline = System.nanoTime() + Duration.ofMillis(WAIT_MILLIS).toNanos();
        while (notifications.failed() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, notifications.failed(), "the enrollment's and the recovery code's mails failed and were counted");
        assertEquals(0, notifications.sent());
        assertEquals(0, notifications.dropped());
    }

    @Test
    void aMailGoesOutOverSmtpsToAServerThatTheTrustStoreVouchesForByName() throws Exception {
        GreenMail smtps = tlsServer();
        NotifyingTwoFactorListener notifications = notifications(tlsSettings(ServerCertificate.ADDRESS, smtps.getSmtps().getPort(),
                Optional.of(certificate.loadTrustStore())), Optional.empty(), log);
        enroll(service(notifications), "alice", new ArrayList<>());
        assertTrue(smtps.waitForIncomingEmail(WAIT_MILLIS, 1), "the mail over TLS within " + WAIT_MILLIS + " ms; " + log.lines());
        notifications.close();

        MimeMessage mail = smtps.getReceivedMessages()[0];
        assertEquals("Two-factor authentication was set up for your account", mail.getSubject());
        assertEquals(1, notifications.sent());
        assertEquals(0, notifications.failed(), log.lines().toString());
        assertEquals(0, mailServer.getReceivedMessages().length);
    }

    @Test
    void anSmtpsServerWhoseCertificateNoTrustedCaSignedGetsNoMailAndTheLoginGoesOn() throws Exception {
        GreenMail smtps = tlsServer();
        // No trust store of its own: Java's CAs, none of which signed the test server's self-signed certificate.
        NotifyingTwoFactorListener notifications = notifications(tlsSettings(ServerCertificate.ADDRESS, smtps.getSmtps().getPort(),
                Optional.empty()), Optional.empty(), log);
        TwoFactorService service = service(notifications);
        Enrollment enrollment = enroll(service, "alice", new ArrayList<>());
        assertEquals(Verification.Outcome.ACCEPTED, service.verify("alice", code(enrollment), ADDRESS).outcome(), "the login is unaffected");
        notifications.close();

        assertRefused(notifications, smtps, "SunCertPathBuilderException: unable to find valid certification path to requested target");
    }

    @Test
    void anSmtpsServerReachedByANameItsCertificateDoesNotHoldGetsNoMail() throws Exception {
        GreenMail smtps = tlsServer();
        // The certificate is trusted (the first test sends through it to 127.0.0.1), but it is for 127.0.0.1, not for
        // "localhost", the same server: the name check refuses it, in JSSE's words for a certificate without a path.
        NotifyingTwoFactorListener notifications = notifications(tlsSettings("localhost", smtps.getSmtps().getPort(),
                Optional.of(certificate.loadTrustStore())), Optional.empty(), log);
        enroll(service(notifications), "alice", new ArrayList<>());
        notifications.close();

        assertRefused(notifications, smtps, "SunCertPathBuilderException: unable to find valid certification path to requested target");
    }

    @Test
    void requiredStarttlsSendsNothingInClearToAServerThatDoesNotOfferIt() throws Exception {
        // mailServer speaks plain SMTP only: an attacker in between who strips STARTTLS from the server's answer looks the same.
        SmtpSettings settings = new SmtpSettings("127.0.0.1", mailServer.getSmtp().getPort(), FROM, SmtpSettings.Security.STARTTLS,
                Optional.empty(), Optional.empty(), Optional.of(certificate.loadTrustStore()));
        NotifyingTwoFactorListener notifications = notifications(settings, Optional.empty(), log);
        TwoFactorService service = service(notifications);
        Enrollment enrollment = enroll(service, "alice", new ArrayList<>());
        assertEquals(Verification.Outcome.ACCEPTED, service.verify("alice", code(enrollment), ADDRESS).outcome(), "the login is unaffected");
        notifications.close();

        assertRefused(notifications, mailServer, "STARTTLS is required but host does not support STARTTLS");
    }

    /** A second server in this JVM, speaking SMTP inside TLS with {@link #certificate}; stopped after the test. */
    GreenMail tlsServer() {
        GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        smtps.start();
        tlsServers.add(smtps);
        return smtps;
    }

    static SmtpSettings tlsSettings(String host, int port, Optional<KeyStore> trustStore) {
        return new SmtpSettings(host, port, FROM, SmtpSettings.Security.TLS, Optional.empty(), Optional.empty(), trustStore);
    }

    /** The enrollment's mail failed, was logged with its cause and counted, and reached no mailbox. */
    void assertRefused(NotifyingTwoFactorListener notifications, GreenMail server, String cause) {
        assertEquals(1, notifications.failed(), log.lines().toString());
        assertEquals(0, notifications.sent());
        assertEquals(0, server.getReceivedMessages().length, "nothing delivered");
        assertEquals(1, log.lines().size(), log.lines().toString());
        String line = log.lines().get(0);
        assertTrue(line.startsWith("WARNING Notification ENROLLED for user \"alice\" failed: ") && line.contains(cause), line);
    }

    @Test
    void everyKindHasItsTextInEveryLanguage() throws Exception {
        NotifyingTwoFactorListener unused = notifications(mailServer.getSmtp().getPort(), Optional.empty());
        MailNotifier notifier = new MailNotifier(new SmtpSettings("127.0.0.1", mailServer.getSmtp().getPort(), FROM, SmtpSettings.Security.NONE,
                Optional.empty(), Optional.empty()), accounts.directory(), clock);
        int count = 0;
        for (Locale language : List.of(Locale.ENGLISH, Locale.GERMAN)) {
            for (Notification.Kind kind : Notification.Kind.values()) {
                notifier.send(new Notification(kind, "alice", Optional.of("root"), clock.instant(), Optional.empty(), OptionalInt.of(0),
                        Optional.of(clock.instant().plusSeconds(60)), Optional.of(language)));
                MimeMessage mail = mail(++count);
                String all = mail.getSubject() + "\n" + body(mail);
                assertFalse(all.matches("(?s).*mail\\.[a-zA-Z].*") || all.contains("{"), "every key and argument filled in: " + all);
            }
        }
        unused.close();
    }

    private void setProfile(String user, String name, String email) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE tg_example_admin SET full_name = ?, email = ? WHERE username = ?")) {
            update.setString(1, name);
            update.setString(2, email);
            update.setString(3, user);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static String body(MimeMessage mail) throws Exception {
        return ((String) mail.getContent()).replace("\r\n", "\n");
    }
}
