package dev.totpguard.example.web;

import dev.totpguard.TwoFactorService;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.data.AuditLog;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.SiteSettings;
import dev.totpguard.example.mail.AddressChangeMails;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * What the servlets of the admin UI share, built once by {@link ExampleWebApp}. Immutable; every part is
 * thread-safe.
 */
record App(TwoFactorService twoFactor, AdminAccounts accounts, AuditLog audit, SiteSettings settings, EnforcementGrace grace, Pages pages,
           SessionSteps sessions, AddressChangeMails addressChangeMails, Clock clock) {

    private static final System.Logger LOG = System.getLogger(App.class.getName());

    App {
        Objects.requireNonNull(twoFactor, "twoFactor");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(pages, "pages");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(addressChangeMails, "addressChangeMails");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * Writes an administrator's action to the audit log. The action has already happened, so a failing log
     * write is reported to the server log rather than undoing it.
     */
    void audit(HttpServletRequest request, String subject, String action, String detail) {
        try {
            audit.record(new AuditEntry(clock.instant(), Optional.ofNullable(request.getRemoteUser()), subject, action,
                    Optional.ofNullable(request.getRemoteAddr()), Optional.ofNullable(detail)));
        } catch (DataAccessException e) {
            LOG.log(Level.WARNING, "Audit log write failed for " + action + " on " + subject, e);
        }
    }
}
