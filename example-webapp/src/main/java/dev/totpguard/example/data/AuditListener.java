package dev.totpguard.example.data;

import dev.totpguard.TwoFactorEvent;
import dev.totpguard.TwoFactorListener;
import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Writes every {@link TwoFactorEvent} of the {@code TwoFactorService} (code accepted or refused, enrollment,
 * lockout, reset, ...) to the {@link AuditLog}. Events carry no secret or code, so neither does the log. A failed
 * write is reported to the server log and never changes the outcome of the login that caused it. Thread-safe.
 */
public final class AuditListener implements TwoFactorListener {

    private static final System.Logger LOG = System.getLogger(AuditListener.class.getName());

    private final AuditLog audit;

    public AuditListener(AuditLog audit) {
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    public void onEvent(TwoFactorEvent event) {
        try {
            audit.record(new AuditEntry(event.time(), event.actor(), event.user(), event.type().name(), event.clientAddress(), event.detail()));
        } catch (DataAccessException e) {
            LOG.log(Level.WARNING, "Audit log write failed for " + event.type() + " of " + event.user(), e);
        }
    }
}
