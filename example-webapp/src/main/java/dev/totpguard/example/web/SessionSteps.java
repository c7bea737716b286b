package dev.totpguard.example.web;

import dev.totpguard.Verification;
import dev.totpguard.filter.TotpFilter;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;

/**
 * What happens to the session when the admin pages themselves check a second factor (the first code of an
 * enrollment): TOTP Guard's filter is told, so it renews the session id, as after every authentication step
 * (OWASP session management, security requirement 18), and does not ask this session for another code.
 */
final class SessionSteps {

    private final TotpFilter filter;

    SessionSteps(TotpFilter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    /** @param proof the accepted outcome of checking the signed-in administrator's own code */
    void secondFactorPassed(HttpServletRequest request, Verification proof) throws StoreException {
        filter.acceptSecondFactor(request, proof);
    }
}
