package dev.totpguard.example.mail;

import dev.totpguard.Notification;
import dev.totpguard.Notifier;
import dev.totpguard.example.data.AdminDirectory;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.Text;
import dev.totpguard.internal.web.Messages;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ResourceBundle;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends each {@link Notification} as a plain-text e-mail to the administrator's address in the {@link AdminDirectory},
 * through an SMTP server with Jakarta Mail (Eclipse Angus). The text comes from the example's bundle
 * ({@link Text#BUNDLE}), in the language of the page on which the change was made, else English.
 *
 * <p>{@link #sendAddressChanged} also tells an old address that the account's e-mail address was changed.
 *
 * <p>A mail says what changed, for which account, when, by whom (an administrator's reset) and from which address;
 * it never holds a secret, a code, a recovery code or a link (nothing in it signs in or can be mistaken for a way
 * to). It never carries a display name either: the full names of the directory are free text, which another
 * administrator may have chosen ("URGENT: verify at https://..."), so the reader is greeted by the account's user
 * name, the acting administrator is named by user name, and {@code To:} holds the bare address. The subject is a
 * fixed text of the bundle; addresses from the directory go into headers only through Jakarta Mail's address API,
 * after a check that refuses line breaks and other control characters, so an address cannot add a header or a
 * recipient. Every network wait is bounded ({@link #TIMEOUT}). With TLS (SMTPS or
 * STARTTLS, which is then required) the server's certificate and its name are checked, against the settings' trust
 * store or else Java's default CAs: a server that fails either gets no mail, and the failure is the caller's to count.
 *
 * <p>Called by {@link dev.totpguard.NotifyingTwoFactorListener} on its own thread, never on a request's. Thread-safe.
 */
public final class MailNotifier implements Notifier {

    /** The longest the SMTP connection waits to connect, to read or to write. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final SmtpSettings settings;
    private final AdminDirectory directory;
    private final Clock clock;
    private final Session session;
    private final InternetAddress from;
    private final Messages messages = new Messages(Text.BUNDLE, Text.LOCALES);

    /** @throws IllegalArgumentException if the sender address is not a plain e-mail address, or the trust store cannot be used */
    public MailNotifier(SmtpSettings settings, AdminDirectory directory, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.from = address(settings.from());
        } catch (MessagingException e) {
            throw new IllegalArgumentException("Not a plain e-mail address: " + settings.from(), e);
        }
        this.session = Session.getInstance(properties(settings));
    }

    private static Properties properties(SmtpSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", "smtp");
        properties.setProperty("mail.smtp.host", settings.host());
        properties.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        properties.setProperty("mail.smtp.from", settings.from());
        // Without these, a server that accepts the connection and then says nothing holds the notifier forever.
        String timeout = Long.toString(TIMEOUT.toMillis());
        properties.setProperty("mail.smtp.connectiontimeout", timeout);
        properties.setProperty("mail.smtp.timeout", timeout);
        properties.setProperty("mail.smtp.writetimeout", timeout);
        switch (settings.security()) {
            case STARTTLS -> {
                properties.setProperty("mail.smtp.starttls.enable", "true");
                // A server (or someone in between) that does not offer STARTTLS gets no mail rather than a plain one.
                properties.setProperty("mail.smtp.starttls.required", "true");
                verifyServer(properties, settings);
            }
            case TLS -> {
                properties.setProperty("mail.smtp.ssl.enable", "true");
                verifyServer(properties, settings);
            }
            case NONE -> {
                // Plain: the launcher allows it with a password only towards this machine.
            }
        }
        if (settings.user().isPresent()) {
            properties.setProperty("mail.smtp.auth", "true");
        }
        return properties;
    }

    /**
     * The server must show a certificate that a trusted CA (Java's, or the settings' trust store) signed for the host
     * name it was reached by: without the name check, any certificate of that CA would do, a stolen one included.
     * {@code mail.smtp.ssl.trust} stays unset, as it would trust hosts without their certificate.
     */
    private static void verifyServer(Properties properties, SmtpSettings settings) {
        properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        settings.trustStore().ifPresent(trustStore -> properties.put("mail.smtp.ssl.socketFactory", socketFactory(trustStore)));
    }

    /** TLS connections that trust the certificates of {@code trustStore} only. */
    private static SSLSocketFactory socketFactory(KeyStore trustStore) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The SMTP trust store cannot be used: " + e.getMessage(), e);
        }
    }

    @Override
    public void send(Notification notification) throws MessagingException, DataAccessException {
        Administrator recipient = directory.find(notification.user())
                .orElseThrow(() -> new AddressException("No administrator with an e-mail address for this account"));
        ResourceBundle bundle = messages.bundle(notification.language().map(Locale::toLanguageTag).orElse(null));
        deliver(recipient.email(), Text.of(key(notification.kind()) + ".subject").in(bundle), body(notification, recipient, bundle));
    }

    /**
     * Tells the OLD address that the account's e-mail address was changed: to what (masked, {@link #masked}), when,
     * by which administrator (user name) and from which client address. Like every mail here, no link and no code:
     * the reader who did not make the change is told to turn to another administrator.
     */
    public void sendAddressChanged(AddressChange change) throws MessagingException {
        ResourceBundle bundle = messages.bundle(change.language().map(Locale::toLanguageTag).orElse(null));
        String what = Text.of("mail.emailChanged.text", change.user(), WHEN.format(change.time()), masked(change.newEmail()),
                printable(change.actor())).in(bundle);
        deliver(change.oldEmail(), Text.of("mail.emailChanged.subject").in(bundle),
                text(change.user(), what, change.clientAddress(), bundle));
    }

    /** One plain-text mail to the bare address {@code to}. */
    private void deliver(String to, String subject, String text) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        // The address alone: a display name is free text another administrator may have chosen (a "verify at ..." or an
        // RFC 2047 encoded word), and a mail about the account's security must carry nothing such a person wrote.
        message.setRecipient(Message.RecipientType.TO, address(to));
        message.setSubject(subject, "UTF-8");
        message.setSentDate(Date.from(clock.instant()));
        // RFC 3834: an automatic message, which vacation responders do not answer.
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setText(text, "UTF-8");
        message.saveChanges();
        try (Transport transport = session.getTransport()) {
            connect(transport);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /**
     * An address as the old one's mail shows the new one: its first character, {@code ***}, and the domain
     * ({@code a***@example.com}), enough for the owner to recognise it and little for whoever reads the old mailbox.
     */
    static String masked(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return printable(email.substring(0, email.offsetByCodePoints(0, 1))) + "***" + printable(email.substring(at));
    }

    /**
     * Connects, and signs in if the settings say so. A failure's message names its first cause too ("Could not
     * connect" alone does not tell a refused certificate from a closed port), never a password: the causes are the
     * network's and TLS's.
     */
    private void connect(Transport transport) throws MessagingException {
        try {
            transport.connect(settings.host(), settings.port(), settings.user().orElse(null), settings.password().orElse(null));
        } catch (MessagingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root == e) {
                throw e;
            }
            throw new MessagingException(e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")", e);
        }
    }

    /** The mail's text: greeting, what happened, where from, what to do if it was not the reader. */
    String body(Notification notification, Administrator recipient, ResourceBundle bundle) {
        String account = recipient.username();
        String when = WHEN.format(notification.time());
        Notification.Kind kind = notification.kind();
        // {2} of the texts that have it: the administrator of a reset, the end of a lock, the authenticator's label;
        // {3}: the administrator who removed an authenticator, in the text for that case.
        String detail = switch (kind) {
            case RESET -> actor(notification);
            case LOCKED -> notification.lockedUntil().map(WHEN::format).orElse("?");
            case AUTHENTICATOR_ADDED, AUTHENTICATOR_REMOVED -> authenticator(notification, bundle);
            default -> "";
        };
        boolean removedByAnother = kind == Notification.Kind.AUTHENTICATOR_REMOVED && notification.actor().isPresent();
        String what = Text.of(removedByAnother ? "mail.authenticatorRemovedBy.text" : key(kind) + ".text", account, when,
                detail, removedByAnother ? actor(notification) : "").in(bundle);
        if (kind == Notification.Kind.RECOVERY_CODE_USED) {
            what += " " + notification.remainingRecoveryCodes().stream().mapToObj(left -> Text.of("mail.recoveryCodesLeft", left).in(bundle))
                    .findFirst().orElse("");
        }
        return text(account, what, notification.clientAddress(), bundle);
    }

    /** Greeting (by user name, see {@link #deliver}), what happened, where from, what to do if it was not the reader. */
    private static String text(String account, String what, Optional<String> clientAddress, ResourceBundle bundle) {
        StringBuilder text = new StringBuilder(512);
        text.append(Text.of("mail.greeting", account).in(bundle)).append("\n\n");
        text.append(what.strip()).append("\n");
        clientAddress.ifPresent(address -> text.append(Text.of("mail.from", printable(address)).in(bundle)).append("\n"));
        text.append("\n").append(Text.of("mail.notYou").in(bundle)).append("\n\n");
        text.append("-- \n").append(Text.of("mail.signature").in(bundle)).append("\n");
        return text.toString();
    }

    /** The label of the authenticator added or removed, as its owner named it, or a generic word if it has none. */
    private static String authenticator(Notification notification, ResourceBundle bundle) {
        return notification.authenticator().map(MailNotifier::printable).orElse(Text.of("mail.authenticatorUnnamed").in(bundle));
    }

    /**
     * The administrator who made the change, by user name only: the full name is free text that administrator chose,
     * and would let them write into someone else's security mail.
     */
    private static String actor(Notification notification) {
        return printable(notification.actor().orElse("?"));
    }

    /** The bundle key of a kind's mail, to which ".subject" and ".text" are appended. */
    private static String key(Notification.Kind kind) {
        return switch (kind) {
            case ENROLLED -> "mail.enrolled";
            case DISABLED -> "mail.disabled";
            case RESET -> "mail.reset";
            case RECOVERY_CODE_USED -> "mail.recoveryCodeUsed";
            case RECOVERY_CODES_REGENERATED -> "mail.recoveryCodesRegenerated";
            case LOCKED -> "mail.locked";
            case TRUSTED_BROWSER_ADDED -> "mail.trustedBrowserAdded";
            case AUTHENTICATOR_ADDED -> "mail.authenticatorAdded";
            case AUTHENTICATOR_REMOVED -> "mail.authenticatorRemoved";
        };
    }

    /**
     * A header address, without a display name: refused with any control character (CR and LF would end the header
     * and start another), then parsed strictly as one plain address.
     */
    public static InternetAddress address(String email) throws AddressException {
        if (email.chars().anyMatch(Character::isISOControl)) {
            throw new AddressException("An e-mail address with a control character");
        }
        InternetAddress[] parsed = InternetAddress.parse(email, true);
        if (parsed.length != 1 || parsed[0].getPersonal() != null || !parsed[0].getAddress().equals(email.strip())) {
            throw new AddressException("Not exactly one plain e-mail address");
        }
        InternetAddress address = parsed[0];
        address.validate();
        return address;
    }

    /** {@code value} with control characters (CR, LF, tabs, ...) replaced by spaces. */
    private static String printable(String value) {
        StringBuilder printable = new StringBuilder(value.length());
        value.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return printable.toString();
    }

    @Override
    public String toString() {
        return "MailNotifier[" + settings + "]";
    }
}
