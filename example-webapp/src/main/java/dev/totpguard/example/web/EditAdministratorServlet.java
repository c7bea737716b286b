package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.example.data.AdminDirectory;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The administrator's Edit page: the profile with its own "Save Changes" and the "Two-Factor Authentication"
 * section; while an enrollment is pending, its Token Code is saved with the profile by that same button, as in the
 * admin flow. A form that is refused comes back with the error beside its field ({@link FieldProblem}).
 *
 * <p>Only the signed-in administrator enrolls their own second factor: the secret must reach nobody but its owner
 * (security requirement 16), so a token code posted for another administrator is refused with 403. The QR code is
 * shown only while the set-up is pending, never again once it is active (CVE-2023-3597). A correct code activates
 * the factor and shows the recovery codes once; a wrong one keeps the same secret for another try and saves
 * nothing.
 *
 * <p>A changed e-mail address is not saved here: the name is, and the browser goes on to {@link ChangeEmailServlet},
 * a privileged page that asks for the acting administrator's fresh code and tells the old address.
 */
final class EditAdministratorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The enrollment's Token Code field. */
    private static final String TOKEN_CODE = "token_code";

    private final transient App app;

    EditAdministratorServlet(App app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String username = request.getParameter("user");
        try {
            Optional<Administrator> administrator = app.accounts().directory().find(username);
            if (administrator.isEmpty()) {
                ErrorPages.notFound(app.pages(), request, response);
                return;
            }
            Optional<Text> notice = Optional.empty();
            if ("1".equals(request.getParameter("saved"))) {
                notice = Optional.of(Text.of("notice.saved"));
            } else if (request.getParameter("notice") != null) {
                notice = Notices.text(request.getParameter("notice"));
            }
            page(app, request, response, HttpServletResponse.SC_OK, administrator.get(), administrator.get().name(),
                    administrator.get().email(), notice, Optional.empty());
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String username = request.getParameter("user");
        String self = request.getRemoteUser();
        String name = strip(request.getParameter("name"));
        String email = strip(request.getParameter("email"));
        String code = request.getParameter("token_code");
        boolean codeGiven = code != null && !code.isBlank();
        try {
            Optional<Administrator> found = app.accounts().directory().find(username);
            if (found.isEmpty()) {
                ErrorPages.notFound(app.pages(), request, response);
                return;
            }
            Administrator administrator = found.get();
            if (codeGiven && !administrator.username().equals(self)) {
                // Enrolling someone else's authenticator would hand their second factor to a third person.
                app.pages().admin(request, response, HttpServletResponse.SC_FORBIDDEN, new MessagePage(Text.of("notAllowed.title"),
                        Text.of("notAllowed.ownEnrollment", administrator.username())));
                return;
            }
            Optional<FieldProblem> problem = AdminDirectory.checkName(name).map(text -> new FieldProblem("name", text))
                    .or(() -> AdminDirectory.checkEmail(email).map(text -> new FieldProblem("email", text)));
            if (problem.isPresent()) {
                page(app, request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email, Optional.empty(), problem);
                return;
            }
            // The e-mail address is where the account's security mails go: it changes only on the privileged page
            // (ChangeEmailServlet), behind the acting administrator's fresh code. The name saves here.
            boolean emailChanged = !email.equals(administrator.email());
            if (codeGiven && emailChanged) {
                page(app, request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email, Optional.empty(),
                        Optional.of(new FieldProblem("email", Text.of("edit.emailOnItsOwn"))));
                return;
            }
            if (!codeGiven) {
                String edit = Paths.edit(request.getContextPath(), administrator.username());
                if (name.equals(administrator.name()) && !emailChanged) {
                    // "Your changes were saved." would claim a change that did not happen.
                    response.sendRedirect(edit + "&notice=" + Notices.UNCHANGED);
                    return;
                }
                if (!name.equals(administrator.name())) {
                    app.accounts().directory().update(administrator.username(), name, administrator.email());
                    app.audit(request, administrator.username(), "PROFILE_UPDATED", null);
                }
                response.sendRedirect(emailChanged ? Paths.changeEmail(request.getContextPath(), administrator.username(), email)
                        : edit + "&saved=1");
                return;
            }
            EnrollmentResult result = app.twoFactor().confirmEnrollment(self, SessionSteps.enrollmentNonce(request, self), code,
                    request.getRemoteAddr());
            switch (result.verification().outcome()) {
                case ACCEPTED -> {
                    app.accounts().directory().update(administrator.username(), name, email);
                    app.sessions().secondFactorPassed(request, result.verification());
                    EnforcementFilter.twoFactorTurnedOn(request);
                    app.pages().admin(request, response, HttpServletResponse.SC_OK, RecoveryCodesPage.forUser(request.getContextPath(), self,
                            Text.of("codes.enabled.title"), Text.of("codes.enabled.intro"),
                            result.recoveryCodes()));
                }
                case INVALID, REPLAYED -> page(app, request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email,
                        Optional.empty(), Optional.of(new FieldProblem(TOKEN_CODE, Text.of("edit.wrongCode"))));
                case LOCKED -> page(app, request, response, ErrorPages.TOO_MANY_REQUESTS, administrator, name, email,
                        Optional.empty(), Optional.of(new FieldProblem(TOKEN_CODE, Notices.locked(result.verification().retryAfter()))));
                case NOT_ENROLLED -> page(app, request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email,
                        Optional.empty(), Optional.of(new FieldProblem(TOKEN_CODE, Text.of("edit.chooseFirst"))));
                case STORE_UNAVAILABLE -> ErrorPages.unavailable(app.pages(), request, response,
                        new IllegalStateException("credential store unavailable while confirming an enrollment"));
                default -> throw new AssertionError("unhandled outcome " + result.verification().outcome());
            }
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.pages(), request, response, e);
        }
    }

    /**
     * The Edit page of {@code administrator}, with the name and e-mail to show in the fields; also the answer of
     * {@link TwoFactorServlet} when a Token Code of its forms was wrong, so the error sits at that field.
     */
    static void page(App app, HttpServletRequest request, HttpServletResponse response, int status, Administrator administrator,
                     String name, String email, Optional<Text> notice, Optional<FieldProblem> problem)
            throws IOException, StoreException, DataAccessException {
        String context = request.getContextPath();
        String username = administrator.username();
        boolean own = username.equals(request.getRemoteUser());
        TwoFactorStatus twoFactor = app.twoFactor().status(username);
        Instant now = app.clock().instant();
        Optional<EditAdministratorPage.PendingEnrollment> pending = Optional.empty();
        if (own && twoFactor.state() == TwoFactorStatus.State.PENDING) {
            // Only the session that started the enrollment gets its secret back (its nonce is kept in that session).
            pending = app.twoFactor().pendingEnrollment(username, SessionSteps.enrollmentNonce(request, username))
                    .map(enrollment -> new EditAdministratorPage.PendingEnrollment(enrollment.qrPngDataUri(),
                            enrollment.otpAuthUri().toUriString(), enrollment.issuer(),
                            enrollment.account(), enrollment.groupedKey(), enrollment.otpAuthUri().parameters()));
        }
        EditAdministratorPage.TwoFactor section = new EditAdministratorPage.TwoFactor(own, twoFactor.state(), twoFactor.confirmedAt(),
                twoFactor.lockedUntil().filter(until -> until.isAfter(now)), twoFactor.recoveryCodesRemaining(), pending,
                twoFactor.isActive() ? app.twoFactor().trustedBrowsers(username) : java.util.List.of(),
                twoFactor.isActive() ? app.twoFactor().authenticators(username) : java.util.List.of(),
                !app.settings().requireTwoFactor());
        app.pages().admin(request, response, status, new EditAdministratorPage(username, name, email, notice, problem, section,
                Paths.edit(context, username), Paths.resetTwoFactor(context, username)));
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }
}
