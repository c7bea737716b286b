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
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.ResourceBundle;

/**
 * Sends each {@link Notification} as a plain-text e-mail to the administrator's address in the {@link AdminDirectory},
 * through an SMTP server with Jakarta Mail (Eclipse Angus). The text comes from the example's bundle
 * ({@link Text#BUNDLE}), in the language of the page on which the change was made, else English.
 *
 * <p>A mail says what changed, for which account, when, by whom (an administrator's reset) and from which address;
 * it never holds a secret, a code, a recovery code or a link (nothing in it signs in or can be mistaken for a way
 * to). The subject is a fixed text of the bundle; names and addresses from the directory go into headers only
 * through Jakarta Mail's address API, after a check that refuses line breaks and other control characters, so a
 * name cannot add a header or a recipient. Every network wait is bounded ({@link #TIMEOUT}).
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

    /** @throws IllegalArgumentException if the sender address is not a plain e-mail address */
    public MailNotifier(SmtpSettings settings, AdminDirectory directory, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.from = address(settings.from(), null);
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
                properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                properties.setProperty("mail.smtp.ssl.enable", "true");
                properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
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

    @Override
    public void send(Notification notification) throws MessagingException, DataAccessException {
        Administrator recipient = directory.find(notification.user())
                .orElseThrow(() -> new AddressException("No administrator with an e-mail address for this account"));
        ResourceBundle bundle = messages.bundle(notification.language().map(Locale::toLanguageTag).orElse(null));
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, address(recipient.email(), recipient.name()));
        message.setSubject(Text.of(subjectKey(notification.kind())).in(bundle), "UTF-8");
        message.setSentDate(Date.from(clock.instant()));
        // RFC 3834: an automatic message, which vacation responders do not answer.
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setText(body(notification, recipient, bundle), "UTF-8");
        message.saveChanges();
        try (Transport transport = session.getTransport()) {
            transport.connect(settings.host(), settings.port(), settings.user().orElse(null), settings.password().orElse(null));
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /** The mail's text: greeting, what happened, where from, what to do if it was not the reader. */
    String body(Notification notification, Administrator recipient, ResourceBundle bundle) {
        String account = recipient.username();
        String when = WHEN.format(notification.time());
        String what = switch (notification.kind()) {
            case ENROLLED -> Text.of("mail.enrolled.text", account, when).in(bundle);
            case DISABLED -> Text.of("mail.disabled.text", account, when).in(bundle);
            case RESET -> Text.of("mail.reset.text", account, when, actor(notification)).in(bundle);
            case RECOVERY_CODE_USED -> Text.of("mail.recoveryCodeUsed.text", account, when).in(bundle) + " "
                    + notification.remainingRecoveryCodes().stream().mapToObj(left -> Text.of("mail.recoveryCodesLeft", left).in(bundle))
                            .findFirst().orElse("");
            case RECOVERY_CODES_REGENERATED -> Text.of("mail.recoveryCodesRegenerated.text", account, when).in(bundle);
            case LOCKED -> Text.of("mail.locked.text", account, when, notification.lockedUntil().map(WHEN::format).orElse("?")).in(bundle);
            case TRUSTED_BROWSER_ADDED -> Text.of("mail.trustedBrowserAdded.text", account, when).in(bundle);
            case AUTHENTICATOR_ADDED -> Text.of("mail.authenticatorAdded.text", account, when, authenticator(notification, bundle)).in(bundle);
            case AUTHENTICATOR_REMOVED -> notification.actor().isPresent()
                    ? Text.of("mail.authenticatorRemovedBy.text", account, when, authenticator(notification, bundle), actor(notification)).in(bundle)
                    : Text.of("mail.authenticatorRemoved.text", account, when, authenticator(notification, bundle)).in(bundle);
        };
        StringBuilder text = new StringBuilder(512);
        text.append(Text.of("mail.greeting", printable(recipient.name())).in(bundle)).append("\n\n");
        text.append(what.strip()).append("\n");
        notification.clientAddress().ifPresent(address -> text.append(Text.of("mail.from", printable(address)).in(bundle)).append("\n"));
        text.append("\n").append(Text.of("mail.notYou").in(bundle)).append("\n\n");
        text.append("-- \n").append(Text.of("mail.signature").in(bundle)).append("\n");
        return text.toString();
    }

    /** The label of the authenticator added or removed, as its owner named it, or a generic word if it has none. */
    private static String authenticator(Notification notification, ResourceBundle bundle) {
        return notification.authenticator().map(MailNotifier::printable).orElse(Text.of("mail.authenticatorUnnamed").in(bundle));
    }

    /** The administrator who made the change: full name and user name, or the user name alone if they are gone. */
    private String actor(Notification notification) {
        String username = notification.actor().orElse("?");
        try {
            return directory.find(username).map(admin -> printable(admin.name()) + " (" + admin.username() + ")").orElse(printable(username));
        } catch (DataAccessException e) {
            // The mail still goes out, naming the administrator by the user name the event carries.
            return printable(username);
        }
    }

    private static String subjectKey(Notification.Kind kind) {
        return switch (kind) {
            case ENROLLED -> "mail.enrolled.subject";
            case DISABLED -> "mail.disabled.subject";
            case RESET -> "mail.reset.subject";
            case RECOVERY_CODE_USED -> "mail.recoveryCodeUsed.subject";
            case RECOVERY_CODES_REGENERATED -> "mail.recoveryCodesRegenerated.subject";
            case LOCKED -> "mail.locked.subject";
            case TRUSTED_BROWSER_ADDED -> "mail.trustedBrowserAdded.subject";
            case AUTHENTICATOR_ADDED -> "mail.authenticatorAdded.subject";
            case AUTHENTICATOR_REMOVED -> "mail.authenticatorRemoved.subject";
        };
    }

    /**
     * A header address: refused with any control character (CR and LF would end the header and start another), then
     * parsed strictly as one plain address; the name is encoded by Jakarta Mail (RFC 2047), its controls replaced.
     */
    public static InternetAddress address(String email, String name) throws AddressException {
        if (email.chars().anyMatch(Character::isISOControl)) {
            throw new AddressException("An e-mail address with a control character");
        }
        InternetAddress[] parsed = InternetAddress.parse(email, true);
        if (parsed.length != 1 || parsed[0].getPersonal() != null || !parsed[0].getAddress().equals(email.strip())) {
            throw new AddressException("Not exactly one plain e-mail address");
        }
        InternetAddress address = parsed[0];
        address.validate();
        if (name != null) {
            try {
                address.setPersonal(printable(name), "UTF-8");
            } catch (UnsupportedEncodingException e) {
                throw new AssertionError("Every Java platform has UTF-8", e);
            }
        }
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
