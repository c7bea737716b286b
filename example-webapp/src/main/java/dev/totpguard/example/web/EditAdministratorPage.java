package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.TwoFactorStatus.State;
import dev.totpguard.internal.template.Template;
import dev.totpguard.internal.web.AppCompatibility;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.Authenticator;
import dev.totpguard.store.TrustedBrowser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * An administrator's Edit page ({@code edit-administrator.html}): the profile with its own "Save Changes" button,
 * then the "Two-Factor Authentication" section with one part per action (while an enrollment is pending, its Token
 * Code is saved with the profile by the same "Save Changes"), then the Help section.
 *
 * @param name the name to show in the field: the stored one, or what a refused form carried
 * @param email the e-mail to show in the field, likewise
 * @param notice what the last action did
 * @param problem why the form was refused: shown at its field, or above the page when that field is not on it
 * @param editHref this page, where the form posts to
 * @param resetHref the confirmation page of "Disable" for this administrator's second factor
 */
record EditAdministratorPage(String username, String name, String email, Optional<Text> notice, Optional<FieldProblem> problem,
                             TwoFactor twoFactor, String editHref, String resetHref) implements Page {

    private static final Template TEMPLATE = Template.load(EditAdministratorPage.class, "edit-administrator.html");

    /**
     * TOTP Guard's own texts, for the note on apps that cannot use the policy's parameters: the same words as on the
     * filter's enrollment page.
     */
    private static final Messages TOTP_GUARD_TEXTS = new Messages(Messages.DEFAULT_BASE_NAME, Messages.SHIPPED_LOCALES);

    /**
     * The "Two-Factor Authentication" section.
     *
     * @param own whether the page is the signed-in administrator's own: only they may enroll (and so see the secret)
     * @param lockedUntil the end of a lock still in force
     * @param pending the enrollment this session started, shown only to its owner while the state is PENDING (never
     *     once it is active: CVE-2023-3597)
     * @param trustedBrowsers the browsers that skip this administrator's code at sign-in ("remember this browser"),
     *     each with a button that forgets it, for the administrator and for the others
 * @param authenticators the administrator's authenticators; another administrator may remove one of several (an
     *     administrator's action, like a reset), the owner changes them on TOTP Guard's settings page with a code
     * @param mayTurnOff whether the owner may turn their own factor off: not while "Require two-factor authentication"
     *     is on (the form is then replaced by a sentence saying why)
     */
    record TwoFactor(boolean own, State state, Optional<Instant> confirmedAt, Optional<Instant> lockedUntil,
                     int recoveryCodesLeft, Optional<PendingEnrollment> pending, List<TrustedBrowser> trustedBrowsers,
                     List<Authenticator> authenticators, boolean mayTurnOff) {

        TwoFactor(boolean own, State state, Optional<Instant> confirmedAt, Optional<Instant> lockedUntil,
                int recoveryCodesLeft, Optional<PendingEnrollment> pending) {
            this(own, state, confirmedAt, lockedUntil, recoveryCodesLeft, pending, List.of());
        }

        TwoFactor(boolean own, State state, Optional<Instant> confirmedAt, Optional<Instant> lockedUntil,
                int recoveryCodesLeft, Optional<PendingEnrollment> pending, List<TrustedBrowser> trustedBrowsers) {
            this(own, state, confirmedAt, lockedUntil, recoveryCodesLeft, pending, trustedBrowsers, List.of(), true);
        }

        TwoFactor {
            trustedBrowsers = List.copyOf(trustedBrowsers);
            authenticators = List.copyOf(authenticators);
        }
    }

    /**
     * What the owner needs to add the account to an authenticator app.
     *
     * @param otpauthUri the {@code otpauth://} URI the QR code holds, for "Open in your authenticator app" on the phone
     *     itself
     * @param groupedKey the key in groups separated by spaces; each group is kept on one line
     * @param parameters the algorithm, digits and period the app must use: anything but SHA-1, 6 digits and 30 seconds
     *     gets a note that names the popular apps that cannot ({@link AppCompatibility})
     */
    record PendingEnrollment(String qrDataUri, String otpauthUri, String issuer, String account, String groupedKey,
            TotpParameters parameters) {

        /** Hides the secret. */
        @Override
        public String toString() {
            return "PendingEnrollment[" + issuer + ", " + account + "]";
        }
    }

    @Override
    public Content content() {
        return new Content(Text.of("title.edit", username), TEMPLATE, values());
    }

    private Map<String, Object> values() {
        boolean own = twoFactor.own();
        State state = twoFactor.state();
        boolean locked = twoFactor.lockedUntil().isPresent();
        Optional<PendingEnrollment> shownEnrollment = own && state == State.PENDING ? twoFactor.pending() : Optional.empty();
        boolean ownActive = own && state == State.ACTIVE;
        List<String> fields = new ArrayList<>(List.of("name", "email"));
        if (shownEnrollment.isPresent()) {
            fields.add("token_code");
        }
        if (ownActive) {
            fields.add("regenerate_code");
            if (twoFactor.mayTurnOff()) {
                fields.add("disable_code");
            }
        }
        Optional<FieldProblem> atField = problem.filter(p -> fields.contains(p.field()));
        PageValues values = new PageValues()
                .with("username", username).with("name", name).with("email", email)
                .with("notice", notice).with("problem", problem.filter(p -> atField.isEmpty()).map(FieldProblem::text))
                .with("editHref", editHref).with("resetHref", resetHref)
                .with("twoFactorAnchor", Paths.TWO_FACTOR_ANCHOR)
                .with("state", Format.state(state))
                .with("confirmedAt", twoFactor.confirmedAt().isPresent())
                .with("since", twoFactor.confirmedAt().map(at -> Text.of("edit.since", Format.time(at))))
                .with("lockedUntil", twoFactor.lockedUntil().isPresent())
                .with("lockedText", twoFactor.lockedUntil().map(until -> Text.of("edit.locked", Format.time(until))))
                .with("recoveryCodesLeft", twoFactor.recoveryCodesLeft())
                .with("chooseMethod", own && state == State.NONE)
                .with("startButton", own && (state == State.NONE || state == State.PENDING && shownEnrollment.isEmpty()))
                .with("enrollment", shownEnrollment.map(enrollment -> new PageValues()
                        .with("qrDataUri", enrollment.qrDataUri()).with("otpauthUri", enrollment.otpauthUri())
                        .with("qrAlt", Text.of("edit.qrAlt", enrollment.issuer(), enrollment.account()))
                        .with("keyGroups", List.of(enrollment.groupedKey().strip().split(" +")))
                        .with("codeStep", Text.of("edit.step.code.before", enrollment.parameters().digits()))
                        .with("compatibilityWarning", compatibilityWarning(enrollment.parameters())).map()))
                .with("installApp", Text.of("edit.installApp", HelpPage.AUTHENTICATOR_APPS))
                .with("otherNoneText", Text.of("edit.otherNone", username))
                .with("otherEnrolledText", Text.of("edit.otherEnrolled", username))
                .with("ownActive", ownActive)
                .with("mayTurnOff", twoFactor.mayTurnOff())
                .with("otherNone", !own && state == State.NONE)
                .with("otherEnrolled", !own && state != State.NONE)
                .with("active", state == State.ACTIVE)
                .with("locked", locked)
                .with("unlockForm", !own && locked)
                .with("anyTrusted", !twoFactor.trustedBrowsers().isEmpty())
                .with("trustedBrowsers", twoFactor.trustedBrowsers().stream().map(browser -> new PageValues()
                        .with("id", browser.id())
                        .with("text", Text.of("edit.trusted.item", Text.verbatim(browser.label()), Format.time(browser.createdAt()),
                                Format.time(browser.expiresAt()))).map()).toList())
                .with("anyAuthenticators", !twoFactor.authenticators().isEmpty())
                .with("ownAuthenticators", own)
                .with("authenticators", twoFactor.authenticators().stream().map(authenticator -> new PageValues()
                        .with("id", authenticator.id())
                        .with("removable", !own && twoFactor.authenticators().size() > 1)
                        .with("text", Text.of("edit.authenticators.item",
                                Text.verbatim(authenticator.label().orElse("")), Format.time(authenticator.addedAt()))).map()).toList())
                .with("helpSection", HelpPage.section());
        return FieldProblem.addTo(values, atField, "name", "email", "token_code", "regenerate_code", "disable_code").map();
    }

    /**
     * The note on apps that cannot use {@code parameters}, in the page's language, in TOTP Guard's own words (the same
     * as on the filter's enrollment page); empty when every app can.
     */
    private static Optional<Localized> compatibilityWarning(TotpParameters parameters) {
        if (AppCompatibility.suitsEveryApp(parameters.algorithm(), parameters.digits(), parameters.periodSeconds())) {
            return Optional.empty();
        }
        return Optional.of(bundle -> AppCompatibility.warning(TOTP_GUARD_TEXTS.bundle(bundle.getLocale().toLanguageTag()),
                parameters.algorithm(), parameters.digits(), parameters.periodSeconds()));
    }
}
