package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
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
import java.io.IOException;
import java.util.Objects;

/**
 * Runs behind TOTP Guard's filter on {@code /admin/*}, for a signed-in administrator, and applies the setting
 * "Require two-factor authentication for all administrators": while it is on, an administrator without an active
 * second factor reaches only their own "Two-Factor Authentication" section (to enroll) and is sent there from
 * every other admin page. It also tells the pages, through {@link #TWO_FACTOR_ACTIVE}, whether to show the
 * banner. An administrator without an active second factor cannot open the privileged actions ({@link Paths#PRIVILEGED})
 * at all. The setting and the status are read from the database on every request, so a change holds on every
 * node at once; when the database fails, the request is refused (503), never let through.
 */
final class EnforcementFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** Request attribute: {@code Boolean}, whether the signed-in administrator has an active second factor. */
    static final String TWO_FACTOR_ACTIVE = EnforcementFilter.class.getName() + ".active";

    private final transient TwoFactorService twoFactor;
    private final transient SiteSettings settings;
    private final transient Pages pages;

    EnforcementFilter(TwoFactorService twoFactor, SiteSettings settings, Pages pages) {
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
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
        try {
            TwoFactorStatus status = twoFactor.status(user);
            active = status.isActive();
            required = !active && settings.requireTwoFactor();
        } catch (StoreException | DataAccessException e) {
            ErrorPages.unavailable(pages, request, response, e);
            return;
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
