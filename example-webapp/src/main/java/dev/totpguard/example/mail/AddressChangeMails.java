package dev.totpguard.example.mail;

import dev.totpguard.NotifyingTwoFactorListener;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells the old address when an administrator's e-mail address changes: the mail goes out through
 * {@link MailNotifier#sendAddressChanged}, queued on the notification mails' own thread
 * ({@link NotifyingTwoFactorListener#queue}), so a slow or dead mail server never holds up the change. {@link #none()}
 * sends nothing (no {@code --smtp-host}). Thread-safe.
 */
public final class AddressChangeMails {

    private static final AddressChangeMails NONE = new AddressChangeMails(null, null, null);

    private final MailNotifier mail;
    private final NotifyingTwoFactorListener queue;
    private final PageLanguage pageLanguage;

    private AddressChangeMails(MailNotifier mail, NotifyingTwoFactorListener queue, PageLanguage pageLanguage) {
        this.mail = mail;
        this.queue = queue;
        this.pageLanguage = pageLanguage;
    }

    /** Mails through {@code mail}, on the thread of {@code queue}, in the language {@code pageLanguage} tells. */
    public static AddressChangeMails of(MailNotifier mail, NotifyingTwoFactorListener queue, PageLanguage pageLanguage) {
        return new AddressChangeMails(Objects.requireNonNull(mail, "mail"), Objects.requireNonNull(queue, "queue"),
                Objects.requireNonNull(pageLanguage, "pageLanguage"));
    }

    /** Sends nothing: the installation mails nobody. */
    public static AddressChangeMails none() {
        return NONE;
    }

    /**
     * Queues the mail to {@code oldEmail} saying that {@code actor} changed {@code user}'s address to
     * {@code newEmail} (masked) from {@code clientAddress}. Call it on the request's thread, after the change is
     * stored: the page's language is read here. Never blocks, never throws for the mail.
     */
    public void changed(String user, String oldEmail, String newEmail, String actor, Instant time, Optional<String> clientAddress) {
        if (mail == null) {
            return;
        }
        AddressChange change = new AddressChange(user, oldEmail, newEmail, actor, time, clientAddress, pageLanguage.current());
        queue.queue("EMAIL_CHANGED", user, () -> mail.sendAddressChanged(change));
    }
}
