package dev.totpguard.example.mail;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An administrator's e-mail address was changed: the facts of the mail that goes to the old address
 * ({@link MailNotifier#sendAddressChanged}). Immutable.
 *
 * @param user whose address changed
 * @param oldEmail the address before the change: the mail's recipient
 * @param newEmail the address after it, shown masked in the mail
 * @param actor the user name of the administrator who changed it (may be {@code user})
 * @param clientAddress the client address the change came from, where known
 * @param language the language of the page on which the change was made, or empty (English)
 */
public record AddressChange(String user, String oldEmail, String newEmail, String actor, Instant time, Optional<String> clientAddress,
                            Optional<Locale> language) {

    public AddressChange {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(oldEmail, "oldEmail");
        Objects.requireNonNull(newEmail, "newEmail");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(language, "language");
    }
}
