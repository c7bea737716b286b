package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.LastAuthenticatorException;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.Verification;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The actions of the "Two-Factor Authentication" section, each a POST with the CSRF token (GET answers 405,
 * except the confirmation page of "Disable"):
 * <ul>
 *   <li>{@code start}: "Time-based Tokens (TOTP)" was chosen; makes a new pending secret for the signed-in
 *       administrator only, never for a user named in the form.</li>
 *   <li>{@code recovery-codes}, {@code disable}: the signed-in administrator's own factor; both need a current
 *       token code, not only the session (NIST SP 800-63B 6.1.2.1, security requirement 23).</li>
 *   <li>{@code reset} (GET asks for confirmation, POST does it), {@code unlock} and {@code remove-authenticator} (one of
 *       several): another administrator's factor.</li>
 * </ul>
 * The {@code TwoFactorService} reports each of these changes to the audit log itself.
 */
final class TwoFactorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient App app;

    TwoFactorServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/reset".equals(request.getPathInfo())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        try {
            Optional<Administrator> target = other(request, response);
            if (target.isEmpty()) {
                return;
            }
            String username = target.get().username();
            app.pages().admin(request, response, HttpServletResponse.SC_OK,
                    new ResetConfirmationPage(username, Paths.editTwoFactor(request.getContextPath(), username)));
        } catch (DataAccessException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String action = request.getPathInfo() == null ? "" : request.getPathInfo();
        String self = request.getRemoteUser();
        String context = request.getContextPath();
        try {
            switch (action) {
                case "/start" -> {
                    if (app.twoFactor().status(self).isActive()) {
                        // Replacing an active factor needs the old one first (CVE-2023-3597): disable, with a code.
                        refuse(request, response, HttpServletResponse.SC_CONFLICT,
                                Text.of("twoFactor.alreadyOn"));
                        return;
                    }
                    SessionSteps.enrollmentStarted(request, self, app.twoFactor().startEnrollment(self));
                    response.sendRedirect(Paths.editTwoFactor(context, self));
                }
                case "/recovery-codes" -> {
                    if (ownCodeAccepted(request, response, "regenerate_code", Text.of("twoFactor.wrongCode.regenerate"))) {
                        List<String> codes = app.twoFactor().regenerateRecoveryCodes(self);
                        app.pages().admin(request, response, HttpServletResponse.SC_OK, RecoveryCodesPage.forUser(context, self,
                                Text.of("codes.new.title"), Text.of("codes.new.intro"), codes));
                    }
                }
                case "/disable" -> {
                    if (app.settings().requireTwoFactor()) {
                        // As TOTP Guard's own pages refuse under REQUIRED: turned off, the account would be password-only
                        // (and within a grace, free to stay so). Checked before the code, which is then not used up.
                        refuse(request, response, HttpServletResponse.SC_FORBIDDEN, Text.of("edit.disable.required"));
                        return;
                    }
                    if (ownCodeAccepted(request, response, "disable_code", Text.of("twoFactor.wrongCode.disable"))) {
                        app.twoFactor().disable(self);
                        // The disable ended this administrator's other sessions, on every node; this one goes on.
                        app.sessions().ownSessionsRevoked(request);
                        response.sendRedirect(Paths.edit(context, self) + "&notice=" + Notices.DISABLED + "#" + Paths.TWO_FACTOR_ANCHOR);
                    }
                }
                case "/reset" -> {
                    Optional<Administrator> target = other(request, response);
                    if (target.isPresent()) {
                        app.twoFactor().reset(target.get().username(), self);
                        response.sendRedirect(Paths.edit(context, target.get().username()) + "&notice=" + Notices.RESET + "#" + Paths.TWO_FACTOR_ANCHOR);
                    }
                }
                case "/forget-browser", "/forget-browsers" -> {
                    // Any administrator's trusted browsers, one or all: forgetting only takes trust away, so it asks
                    // for no code; another administrator's browsers are forgotten in the acting one's name.
                    Optional<Administrator> target = app.accounts().directory().find(request.getParameter("user"));
                    if (target.isEmpty()) {
                        ErrorPages.notFound(app.pages(), request, response);
                        return;
                    }
                    String username = target.get().username();
                    String actor = username.equals(self) ? null : self;
                    boolean forgotten = action.equals("/forget-browsers")
                            ? app.twoFactor().revokeTrustedBrowsers(username, actor, request.getRemoteAddr()) > 0
                            : app.twoFactor().revokeTrustedBrowser(username, request.getParameter("browser"), actor, request.getRemoteAddr());
                    if (forgotten && actor == null) {
                        // Forgetting all ended the account's sessions (one a forgotten browser opened must end):
                        // this administrator's own goes on (a no-op after forgetting one).
                        app.sessions().ownSessionsRevoked(request);
                    }
                    // No notice when nothing was forgotten (an id of another administrator's browser, or a stale one).
                    response.sendRedirect(Paths.edit(context, username) + (forgotten ? "&notice=" + Notices.FORGOTTEN : "")
                            + "#" + Paths.TWO_FACTOR_ANCHOR);
                }
                case "/remove-authenticator" -> {
                    // Another administrator's authenticator, one of several (a lost phone): an administrator's action
                    // like a reset, in the acting one's name; the owner removes their own on TOTP Guard's settings page.
                    Optional<Administrator> target = other(request, response);
                    if (target.isPresent()) {
                        String username = target.get().username();
                        boolean removed;
                        try {
                            removed = app.twoFactor().removeAuthenticator(username, request.getParameter("authenticator"), self);
                        } catch (LastAuthenticatorException e) {
                            refuse(request, response, HttpServletResponse.SC_CONFLICT, Text.of("twoFactor.lastAuthenticator"));
                            return;
                        }
                        response.sendRedirect(Paths.edit(context, username) + (removed ? "&notice=" + Notices.AUTHENTICATOR_REMOVED : "")
                                + "#" + Paths.TWO_FACTOR_ANCHOR);
                    }
                }
                case "/unlock" -> {
                    Optional<Administrator> target = other(request, response);
                    if (target.isPresent()) {
                        app.twoFactor().unlock(target.get().username(), self);
                        response.sendRedirect(Paths.edit(context, target.get().username()) + "&notice=" + Notices.UNLOCKED + "#" + Paths.TWO_FACTOR_ANCHOR);
                    }
                }
                default -> ErrorPages.notFound(app.pages(), request, response);
            }
        } catch (StoreException | DataAccessException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
        }
    }

    /**
     * Checks the signed-in administrator's current token code; on refusal writes the answer and returns false. The
     * code's time step is used up like at login, so a code seen over a shoulder cannot be used again. A wrong or locked
     * code answers with the Edit page, the error beside the form's Token Code field {@code field}.
     */
    private boolean ownCodeAccepted(HttpServletRequest request, HttpServletResponse response, String field, Text wrongCode)
            throws IOException, StoreException, DataAccessException {
        String self = request.getRemoteUser();
        TwoFactorStatus status = app.twoFactor().status(self);
        if (!status.isActive()) {
            refuse(request, response, HttpServletResponse.SC_CONFLICT, Text.of("twoFactor.notOn"));
            return false;
        }
        Verification verification = app.twoFactor().verify(self, request.getParameter("token_code"), request.getRemoteAddr());
        switch (verification.outcome()) {
            case ACCEPTED:
                return true;
            case LOCKED:
                atField(request, response, ErrorPages.TOO_MANY_REQUESTS, new FieldProblem(field, Notices.locked(verification.retryAfter())));
                return false;
            case STORE_UNAVAILABLE:
                ErrorPages.unavailable(app.pages(), request, response, new IllegalStateException("credential store unavailable"));
                return false;
            default:
                atField(request, response, HttpServletResponse.SC_BAD_REQUEST, new FieldProblem(field, wrongCode));
                return false;
        }
    }

    /** The signed-in administrator's own Edit page, with {@code problem} at its field. */
    private void atField(HttpServletRequest request, HttpServletResponse response, int status, FieldProblem problem)
            throws IOException, StoreException, DataAccessException {
        Optional<Administrator> self = app.accounts().directory().find(request.getRemoteUser());
        if (self.isEmpty()) {
            ErrorPages.notFound(app.pages(), request, response);
            return;
        }
        EditAdministratorServlet.page(app, request, response, status, self.get(), self.get().name(), self.get().email(),
                Optional.empty(), Optional.of(problem));
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, int status, Text message) throws IOException {
        app.pages().admin(request, response, status, new MessagePage(Text.of("twoFactor.title"), message,
                Paths.editTwoFactor(request.getContextPath(), request.getRemoteUser()), Text.of("back.twoFactor")));
    }

    /** The administrator named in {@code user}, who must exist and must not be the signed-in one. */
    private Optional<Administrator> other(HttpServletRequest request, HttpServletResponse response) throws IOException, DataAccessException {
        Optional<Administrator> target = app.accounts().directory().find(request.getParameter("user"));
        if (target.isEmpty()) {
            ErrorPages.notFound(app.pages(), request, response);
            return Optional.empty();
        }
        if (target.get().username().equals(request.getRemoteUser())) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN,
                    Text.of("twoFactor.ownReset"));
            return Optional.empty();
        }
        return target;
    }
}
