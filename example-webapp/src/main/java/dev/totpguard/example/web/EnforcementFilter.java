package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.EnrollmentGrace;
import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.SiteSettings;
import dev.totpguard.store.StoreException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/**
 * Runs behind TOTP Guard's filter on {@code /admin/*}, for a signed-in administrator, and applies the setting
 * "Require two-factor authentication for all administrators": while it is on, an administrator without an active
 * second factor reaches only their own "Two-Factor Authentication" section (to enroll) and is sent there from
 * every other admin page. It also tells the pages, through {@link #TWO_FACTOR_ACTIVE}, whether to show the
 * banner. With a grace period ({@link EnforcementGrace}, the launcher's {@code --grace-days} / {@code --grace-sign-ins}),
 * an administrator without a second factor who is still within it reaches the admin pages, with a banner saying when
 * the set-up will be required ({@link #GRACE_BANNER}); the first request of each sign-in counts the sign-in. An
 * administrator without an active second factor cannot open the privileged actions ({@link Paths#PRIVILEGED})
 * at all. The setting and the status are read from the database on every request, so a change holds on every
 * node at once; when the database fails, the request is refused (503), never let through.
 */
final class EnforcementFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** Request attribute: {@code Boolean}, whether the signed-in administrator has an active second factor. */
    static final String TWO_FACTOR_ACTIVE = EnforcementFilter.class.getName() + ".active";

    /** Request attribute: a {@link Text}, the grace banner's sentence, while the administrator is within the grace. */
    static final String GRACE_BANNER = EnforcementFilter.class.getName() + ".grace";

    /**
     * Session attribute: the {@link GraceSignIn} whose sign-in was counted. A sign-in renews the session id, so the
     * first request of the next sign-in does not match and is counted; every later request of this one only reads.
     */
    static final String GRACE_SIGN_IN = EnforcementFilter.class.getName() + ".graceSignIn";

    private final transient TwoFactorService twoFactor;
    private final transient SiteSettings settings;
    private final transient Pages pages;
    private final transient EnforcementGrace grace;

    EnforcementFilter(TwoFactorService twoFactor, SiteSettings settings, EnforcementGrace grace, Pages pages) {
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pages = Objects.requireNonNull(pages, "pages");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String user = request.getRemoteUser();
        if (user == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean active;
        boolean required;
        EnrollmentGrace standing = EnrollmentGrace.NONE;
        try {
            TwoFactorStatus status = twoFactor.status(user);
            active = status.isActive();
            required = !active && settings.requireTwoFactor();
            if (required) {
                standing = graceStanding(request, user);
            }
        } catch (StoreException | DataAccessException e) {
            // Never "within the grace" because the bookkeeping failed: no page at all (fail closed).
            ErrorPages.unavailable(pages, request, response, e);
            return;
        }
        if (standing.open()) {
            required = false;
            request.setAttribute(GRACE_BANNER, grace.banner(standing));
        }
        request.setAttribute(TWO_FACTOR_ACTIVE, active);
        BackForwardCacheGuard.markSignedIn(request, response);
        if (required && !isEnrollmentStep(request, user)) {
            response.sendRedirect(Paths.editTwoFactor(request.getContextPath(), user));
            return;
        }
        if (!active && Paths.isPrivileged(path(request))) {
            // A privileged action needs the actor's own second factor, entered within the step-up age (TOTP Guard's
            // filter asks for it on these paths). Without one there is nothing to ask for: the password alone must not
            // add administrators, remove others' factors or switch the requirement off (TOTP Guard issue 13, item 7).
            pages.admin(request, response, HttpServletResponse.SC_FORBIDDEN, new MessagePage(Text.of("enforcement.title"),
                    Text.of("enforcement.text"), Paths.editTwoFactor(request.getContextPath(), user), Text.of("enforcement.link")));
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * The signed-in administrator's second factor became active during this request (the first code of an
     * enrollment): the page this request answers with no longer shows the "password only" banner.
     */
    static void twoFactorTurnedOn(HttpServletRequest request) {
        request.setAttribute(TWO_FACTOR_ACTIVE, true);
    }

    /** Where {@code user} stands in the grace; the first request of a sign-in counts it. */
    private EnrollmentGrace graceStanding(HttpServletRequest request, String user) throws StoreException {
        if (!grace.exists()) {
            return EnrollmentGrace.NONE;
        }
        HttpSession session = request.getSession();
        GraceSignIn thisSignIn = new GraceSignIn(user, session.getId());
        boolean counted = thisSignIn.equals(session.getAttribute(GRACE_SIGN_IN));
        EnrollmentGrace standing = grace.standing(user, !counted);
        if (!counted) {
            session.setAttribute(GRACE_SIGN_IN, thisSignIn);
        }
        return standing;
    }

    /** A sign-in of {@code user} whose grace was counted, known by the session id it was given. Serializable: a shared session keeps it. */
    record GraceSignIn(String user, String sessionId) implements Serializable {
    }

    private static String path(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }

    /** The pages an administrator needs to finish enrolling: their own Edit page and the 2FA actions. */
    private static boolean isEnrollmentStep(HttpServletRequest request, String user) {
        String path = path(request);
        if (path.equals(Paths.EDIT_ADMINISTRATOR)) {
            return user.equals(request.getParameter("user"));
        }
        return path.equals(Paths.TWO_FACTOR + "start") || path.equals(Paths.HELP);
    }
}
