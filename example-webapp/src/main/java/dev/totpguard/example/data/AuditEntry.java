package dev.totpguard.example.data;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the audit log: who did what to whom, when and from where. Never holds a secret, a code or a
 * password. Immutable.
 *
 * @param actor the signed-in administrator who acted, or empty for events of the user's own login
 * @param subject the administrator the action was about
 * @param action a short name such as {@code TOTP_ENABLED} or {@code ADMIN_ADDED}
 */
public record AuditEntry(Instant time, Optional<String> actor, String subject, String action,
                         Optional<String> clientAddress, Optional<String> detail) {

    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(detail, "detail");
    }
}
