package dev.totpguard.example.web;

import dev.totpguard.Enrollment;
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
import java.util.List;
import java.util.Optional;

/**
 * The administrator's Edit page: profile fields and the "Two-Factor Authentication" section, saved with one
 * "Save Changes" button, as in the admin flow.
 *
 * <p>Only the signed-in administrator enrolls their own second factor: the secret must reach nobody but its owner
 * (security requirement 16), so a token code posted for another administrator is refused with 403. The QR code is
 * shown only while the set-up is pending, never again once it is active (CVE-2023-3597). A correct code activates
 * the factor and shows the recovery codes once; a wrong one keeps the same secret for another try and saves
 * nothing.
 */
final class EditAdministratorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

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
                ErrorPages.notFound(app.layout(), request, response);
                return;
            }
            Optional<String> notice = Optional.empty();
            if ("1".equals(request.getParameter("saved"))) {
                notice = Optional.of("Your changes were saved.");
            } else if (request.getParameter("notice") != null) {
                notice = Notices.text(request.getParameter("notice"));
            }
            page(request, response, HttpServletResponse.SC_OK, administrator.get(), administrator.get().name(),
                    administrator.get().email(), notice, Optional.empty());
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
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
                ErrorPages.notFound(app.layout(), request, response);
                return;
            }
            Administrator administrator = found.get();
            if (codeGiven && !administrator.username().equals(self)) {
                // Enrolling someone else's authenticator would hand their second factor to a third person.
                app.layout().adminPage(request, response, HttpServletResponse.SC_FORBIDDEN, "Not allowed",
                        Layout.message("error", "Only " + administrator.username() + " can set up their own two-factor authentication."));
                return;
            }
            Optional<String> problem = AdminDirectory.checkProfile(name, email);
            if (problem.isPresent()) {
                page(request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email, Optional.empty(), problem);
                return;
            }
            if (!codeGiven) {
                app.accounts().directory().update(administrator.username(), name, email);
                app.audit(request, administrator.username(), "PROFILE_UPDATED", null);
                response.sendRedirect(Paths.edit(request.getContextPath(), administrator.username()) + "&saved=1");
                return;
            }
            EnrollmentResult result = app.twoFactor().confirmEnrollment(self, SessionSteps.enrollmentNonce(request, self), code,
                    request.getRemoteAddr());
            switch (result.verification().outcome()) {
                case ACCEPTED -> {
                    app.accounts().directory().update(administrator.username(), name, email);
                    app.sessions().secondFactorPassed(request, result.verification());
                    RecoveryCodesPage.show(app, request, response, "Two-factor authentication is on",
                            "Time-based Tokens (TOTP) are now enabled for your account. From your next sign-in you will be asked for a token code after your password.",
                            result.recoveryCodes());
                }
                case INVALID, REPLAYED -> page(request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email,
                        Optional.empty(), Optional.of("That token code is not right, so nothing was saved. Check that your phone sets its time "
                                + "automatically, then type the code the app shows now. The QR code and key below stay the same."));
                case LOCKED -> page(request, response, ErrorPages.TOO_MANY_REQUESTS, administrator, name, email,
                        Optional.empty(), Optional.of(Notices.locked(result.verification().retryAfter())));
                case NOT_ENROLLED -> page(request, response, HttpServletResponse.SC_BAD_REQUEST, administrator, name, email,
                        Optional.empty(), Optional.of("Choose \"Time-based Tokens (TOTP)\" first, then scan the QR code and type the token code."));
                case STORE_UNAVAILABLE -> ErrorPages.unavailable(app.layout(), request, response,
                        new IllegalStateException("credential store unavailable while confirming an enrollment"));
                default -> throw new AssertionError("unhandled outcome " + result.verification().outcome());
            }
        } catch (DataAccessException | StoreException e) {
            ErrorPages.unavailable(app.layout(), request, response, e);
        }
    }

    private void page(HttpServletRequest request, HttpServletResponse response, int status, Administrator administrator, String name,
                      String email, Optional<String> notice, Optional<String> problem) throws IOException, StoreException {
        String context = request.getContextPath();
        String self = request.getRemoteUser();
        boolean own = administrator.username().equals(self);
        TwoFactorStatus twoFactor = app.twoFactor().status(administrator.username());
        String action = context + Paths.EDIT_ADMINISTRATOR + "?user=" + Html.query(administrator.username());
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"breadcrumbs\"><a href=\"").append(context).append(Paths.SETUP).append("\">Setup</a> &gt; ")
                .append("<a href=\"").append(context).append(Paths.STAFF).append("\">Staff Management</a> &gt; ")
                .append("<a href=\"").append(context).append(Paths.ADMINISTRATORS).append("\">Administrators</a> &gt; Edit</p>\n");
        notice.ifPresent(text -> body.append(Layout.message("notice", text)));
        problem.ifPresent(text -> body.append(Layout.message("error", text)));
        body.append("<form id=\"edit-form\" method=\"post\" action=\"").append(Html.escape(action)).append("\" class=\"stacked\">\n")
                .append(app.layout().csrf().field(request)).append('\n')
                .append("<input type=\"hidden\" name=\"user\" value=\"").append(Html.escape(administrator.username())).append("\">\n")
                .append("<fieldset><legend>Profile</legend>\n")
                .append("<label for=\"username\">Username</label><input id=\"username\" value=\"").append(Html.escape(administrator.username()))
                .append("\" readonly>\n")
                .append("<label for=\"name\">Name</label><input id=\"name\" name=\"name\" required maxlength=\"200\" value=\"")
                .append(Html.escape(name)).append("\">\n")
                .append("<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" required maxlength=\"254\" value=\"")
                .append(Html.escape(email)).append("\">\n</fieldset>\n");
        body.append("<section id=\"").append(Paths.TWO_FACTOR_ANCHOR).append("\" class=\"two-factor\">\n<h2>Two-Factor Authentication</h2>\n")
                .append("<p>Status: <strong class=\"status\">").append(Format.state(twoFactor)).append("</strong>");
        twoFactor.confirmedAt().ifPresent(at -> body.append(" since ").append(Format.time(at)));
        body.append("</p>\n");
        Instant now = app.clock().instant();
        boolean locked = twoFactor.lockedUntil().filter(until -> until.isAfter(now)).isPresent();
        if (locked) {
            body.append("<p class=\"error\">Locked after too many wrong codes until ").append(Format.time(twoFactor.lockedUntil().get()))
                    .append(".</p>\n");
        }
        if (own) {
            ownSection(request, body, twoFactor);
        } else {
            otherSection(request, body, administrator, twoFactor, locked);
        }
        body.append("</section>\n<p><button type=\"submit\">Save Changes</button></p>\n</form>\n");
        // Forms that the buttons inside the section point at (HTML forms cannot be nested).
        body.append("<form id=\"start-totp\" method=\"post\" action=\"").append(context).append(Paths.TWO_FACTOR).append("start\">")
                .append(app.layout().csrf().field(request)).append("</form>\n");
        if (!own && locked) {
            body.append("<form id=\"unlock-totp\" method=\"post\" action=\"").append(context).append(Paths.TWO_FACTOR).append("unlock\">")
                    .append(app.layout().csrf().field(request)).append("<input type=\"hidden\" name=\"user\" value=\"")
                    .append(Html.escape(administrator.username())).append("\"></form>\n");
        }
        if (own && twoFactor.isActive()) {
            manageOwn(request, body);
        }
        body.append(HelpText.TWO_FACTOR);
        app.layout().adminPage(request, response, status, "Edit Administrator: " + administrator.username(), body.toString());
    }

    private void ownSection(HttpServletRequest request, StringBuilder body, TwoFactorStatus twoFactor) throws StoreException {
        switch (twoFactor.state()) {
            case NONE -> body.append("<p>Protect your account with a token code from your phone. Choose a method:</p>\n")
                    .append("<p><button type=\"submit\" form=\"start-totp\" name=\"method\" value=\"totp\">Time-based Tokens (TOTP)</button></p>\n");
            case PENDING -> {
                Optional<Enrollment> pending = app.twoFactor().pendingEnrollment(request.getRemoteUser(),
                        SessionSteps.enrollmentNonce(request, request.getRemoteUser()));
                if (pending.isEmpty()) {
                    body.append("<p><button type=\"submit\" form=\"start-totp\" name=\"method\" value=\"totp\">Time-based Tokens (TOTP)</button></p>\n");
                    return;
                }
                Enrollment enrollment = pending.get();
                body.append("<h3>Time-based Tokens (TOTP)</h3>\n<ol class=\"steps\">\n")
                        .append("<li>Install an authenticator app on your phone: ").append(HelpText.APPS).append(".</li>\n")
                        .append("<li>In the app, add an account and scan this QR code:<br>\n<img class=\"qr\" src=\"")
                        .append(Html.escape(enrollment.qrPngDataUri())).append("\" alt=\"QR code for ").append(Html.escape(enrollment.issuer()))
                        .append(": ").append(Html.escape(enrollment.account())).append("\"></li>\n")
                        .append("<li>Cannot scan it? Enter this key by hand, as a time-based key: <code class=\"key\">")
                        .append(Html.escape(enrollment.groupedKey())).append("</code></li>\n")
                        .append("<li>Type the 6-digit code the app now shows into <em>Token Code</em> and click <em>Save Changes</em>.</li>\n</ol>\n")
                        .append("<label for=\"token_code\">Token Code</label>")
                        .append("<input id=\"token_code\" name=\"token_code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"20\" size=\"10\">\n")
                        .append("<p class=\"hint\">Choosing <button type=\"submit\" form=\"start-totp\" name=\"method\" value=\"totp\" class=\"link\">"
                                + "Time-based Tokens (TOTP)</button> again makes a new QR code; the old one then stops working.</p>\n");
            }
            case ACTIVE -> body.append("<p>You confirm each sign-in with a token code from your app. Recovery codes left: <strong>")
                    .append(twoFactor.recoveryCodesRemaining()).append("</strong>.</p>\n")
                    .append("<p>To change phones or make new recovery codes, use the forms below.</p>\n");
            default -> throw new AssertionError("unhandled state " + twoFactor.state());
        }
    }

    private void otherSection(HttpServletRequest request, StringBuilder body, Administrator administrator, TwoFactorStatus twoFactor,
                              boolean locked) {
        String context = request.getContextPath();
        if (twoFactor.state() == TwoFactorStatus.State.NONE) {
            body.append("<p>").append(Html.escape(administrator.username()))
                    .append(" sets up two-factor authentication after signing in, on this page: only they may see their secret.</p>\n");
            return;
        }
        if (twoFactor.isActive()) {
            body.append("<p>Recovery codes left: ").append(twoFactor.recoveryCodesRemaining()).append(".</p>\n");
        }
        body.append("<p>If ").append(Html.escape(administrator.username()))
                .append(" lost their phone and their recovery codes, remove their two-factor authentication; they can then sign in with "
                        + "their password and set it up again.</p>\n")
                .append("<p><a class=\"button danger\" href=\"").append(context).append(Paths.TWO_FACTOR).append("reset?user=")
                .append(Html.escape(Html.query(administrator.username()))).append("\">Disable</a>");
        if (locked) {
            body.append(" <button type=\"submit\" form=\"unlock-totp\">Unlock</button>");
        }
        body.append("</p>\n");
    }

    private void manageOwn(HttpServletRequest request, StringBuilder body) {
        String context = request.getContextPath();
        String csrf = app.layout().csrf().field(request);
        body.append("<section class=\"manage\">\n<h2>Manage your two-factor authentication</h2>\n")
                .append("<form method=\"post\" action=\"").append(context).append(Paths.TWO_FACTOR).append("recovery-codes\" class=\"stacked\">\n")
                .append(csrf).append("\n<h3>New recovery codes</h3>\n<p>Makes 10 new recovery codes; the old ones stop working.</p>\n")
                .append("<label for=\"regenerate_code\">Token Code</label>")
                .append("<input id=\"regenerate_code\" name=\"token_code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"20\" size=\"10\" required>\n")
                .append("<button type=\"submit\">Regenerate Recovery Codes</button>\n</form>\n")
                .append("<form method=\"post\" action=\"").append(context).append(Paths.TWO_FACTOR).append("disable\" class=\"stacked\">\n")
                .append(csrf).append("\n<h3>Turn off</h3>\n<p>Turns two-factor authentication off for your account, for example before "
                        + "setting it up on a new phone.</p>\n")
                .append("<label for=\"disable_code\">Token Code</label>")
                .append("<input id=\"disable_code\" name=\"token_code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"20\" size=\"10\" required>\n")
                .append("<button type=\"submit\" class=\"danger\">Disable</button>\n</form>\n</section>\n");
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }
}
