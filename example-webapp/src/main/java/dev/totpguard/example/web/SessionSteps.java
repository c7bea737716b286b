package dev.totpguard.example.web;

import dev.totpguard.Enrollment;
import dev.totpguard.Verification;
import dev.totpguard.filter.TotpFilter;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens to the session when the admin pages themselves check a second factor (the first code of an
 * enrollment): TOTP Guard's filter is told, so it renews the session id, as after every authentication step
 * (OWASP session management, security requirement 18), and does not ask this session for another code.
 * Started without the filter ({@code --benchmark-without-totp-filter}, benchmarks only) there is nobody to tell, and
 * only the session id is renewed.
 */
final class SessionSteps {

    private final Optional<TotpFilter> filter;

    SessionSteps(TotpFilter filter) {
        this.filter = Optional.of(Objects.requireNonNull(filter, "filter"));
    }

    private SessionSteps() {
        this.filter = Optional.empty();
    }

    /** For the application started without TOTP Guard's filter (benchmarks only). */
    static SessionSteps withoutFilter() {
        return new SessionSteps();
    }

    private static final String ENROLLMENT_NONCE = "dev.totpguard.example.enrollment-nonce.";

    /**
     * Keeps the nonce of the enrollment this session started, under the user's name: only this session can show
     * the pending QR code again and confirm it (TOTP Guard issue 11). It never goes into a page.
     */
    static void enrollmentStarted(HttpServletRequest request, String user, Enrollment enrollment) {
        request.getSession().setAttribute(ENROLLMENT_NONCE + user, enrollment.nonce());
    }

    /** The nonce of the enrollment this session started for {@code user}, or {@code null}. */
    static String enrollmentNonce(HttpServletRequest request, String user) {
        HttpSession session = request.getSession(false);
        Object nonce = session == null ? null : session.getAttribute(ENROLLMENT_NONCE + user);
        return nonce instanceof String ? (String) nonce : null;
    }

    /**
     * The signed-in administrator's own action (with a current code) revoked their sessions: the others end, this one
     * goes on.
     */
    void ownSessionsRevoked(HttpServletRequest request) throws StoreException {
        if (filter.isPresent()) {
            filter.get().keepVerifiedAfterRevocation(request);
        }
    }

    /** @param proof the accepted outcome of checking the signed-in administrator's own code */
    void secondFactorPassed(HttpServletRequest request, Verification proof) throws StoreException {
        if (filter.isPresent()) {
            filter.get().acceptSecondFactor(request, proof);
        } else {
            request.changeSessionId();
        }
    }
}
