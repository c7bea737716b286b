package dev.totpguard.spring;

import dev.totpguard.Enrollment;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import dev.totpguard.internal.web.AppCompatibility;
import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.internal.web.PageLayout;
import dev.totpguard.internal.web.RecoveryCodeFile;
import dev.totpguard.internal.web.SettingsPage;
import dev.totpguard.store.TrustedBrowser;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * Renders the factor's pages from the templates the servlet filter uses ({@code pages/*.html} in core's
 * {@code internal.web}, framed by {@link PageLayout}, every value escaped), with Spring's {@link CsrfToken} as the
 * form token, texts from core's message bundle and the filter's protective headers and Content-Security-Policy; with
 * the application's {@link Branding} ({@code totpguard.spring.brand.*}) as the filter's pages have theirs. Thread-safe.
 */
final class TotpPages {

    static final String TOKEN = "/token";
    static final String VERIFY = "/verify";
    static final String RECOVERY = "/recovery";
    static final String RECOVER = "/recover";
    static final String ENROLL = "/enroll";
    static final String CONFIRM = "/confirm";
    static final String MANAGE = "/manage";
    static final String FORGET_BROWSER = "/" + SettingsPage.FORGET_BROWSER;
    static final String FORGET_BROWSERS = "/" + SettingsPage.FORGET_BROWSERS;

    /** The form field with the typed code; its value is never echoed back into a page. */
    static final String CODE_PARAMETER = "code";

    private static final Template TOKEN_BODY = load("token");
    private static final Template RECOVERY_BODY = load("recovery");
    private static final Template ENROLL_BODY = load("enroll");
    private static final Template CODES_BODY = load("codes");
    private static final Template MANAGE_BODY = load("manage");
    private static final Template UNAVAILABLE_BODY = load("unavailable");
    private static final Template MESSAGE_BODY = load("message");
    private static final Template CSRF_FIELDS = load("csrf-fields");
    private static final Template CODE_FIELD = load("code-field");
    private static final Template FOOTER = load("footer");

    private final Messages messages = new Messages(Messages.DEFAULT_BASE_NAME, Messages.SHIPPED_LOCALES);
    private final SecureRandom random = new SecureRandom();
    private final Branding branding;

    TotpPages(Branding branding) {
        this.branding = branding;
    }

    /**
     * What every page needs to know about the request.
     *
     * @param contextPath the request's context path, put before the branding's paths
     * @param pagesUrl the context path and the pages path, e.g. {@code /app/totpguard}
     * @param csrf Spring's token of this request, or {@code null} where the application turned CSRF off
     * @param trustDays for how many days the token page offers to trust this browser; 0: not offered
     */
    record View(String user, String contextPath, String pagesUrl, String logoutUrl, CsrfToken csrf,
            TwoFactorPolicy policy, String acceptLanguage, int trustDays) {

        /** Hides the token. */
        @Override
        public String toString() {
            return "TotpPages.View[" + user + "]";
        }
    }

    private static Template load(String name) {
        return Template.load(PageLayout.class, "pages/" + name + ".html");
    }

    /** Whether the settings page offers turning the factor off: only where the policy makes it optional. */
    static boolean disableAllowed(TwoFactorPolicy policy) {
        return policy.enforcement() == TwoFactorPolicy.Enforcement.OPTIONAL;
    }

    static void protectiveHeaders(HttpServletResponse response) {
        PageLayout.protectiveHeaders().forEach(response::setHeader);
    }

    /** The code form, with "trust this browser" where {@link View#trustDays()} offers it. */
    void token(HttpServletResponse response, View view, String errorKey) throws IOException {
        render(response, view, 200, "token.title", TOKEN_BODY, errorKey, true, trustChoice(view));
    }

    private Map<String, Object> trustChoice(View view) {
        Map<String, Object> values = new HashMap<>();
        values.put("trustBrowser", SettingsPage.trustChoice(bundle(view), view.trustDays()));
        return values;
    }

    void recovery(HttpServletResponse response, View view, String errorKey) throws IOException {
        render(response, view, 200, "recovery.title", RECOVERY_BODY, errorKey, true, Map.of());
    }

    /** Too many wrong codes: 429 with {@code Retry-After} and the time left in the text, no form check at all. */
    void locked(HttpServletResponse response, View view, boolean recovery, Duration retryAfter) throws IOException {
        response.setHeader("Retry-After", Long.toString(Messages.ceilSeconds(retryAfter)));
        ResourceBundle bundle = bundle(view);
        String text = Messages.text(bundle, "token.locked", retryAfter);
        render(response, view, 429, recovery ? "recovery.title" : "token.title", recovery ? RECOVERY_BODY : TOKEN_BODY,
                null, true, recovery ? Map.of() : trustChoice(view), new PageLayout.Notice(text, true));
    }

    void enroll(HttpServletResponse response, View view, Enrollment enrollment, String errorKey) throws IOException {
        ResourceBundle bundle = bundle(view);
        Map<String, Object> values = new HashMap<>();
        values.put("qrDataUri", enrollment.qrPngDataUri());
        values.put("otpauthUri", enrollment.otpAuthUri().toUriString());
        values.put("key", enrollment.groupedKey());
        values.put("issuer", enrollment.issuer());
        values.put("account", enrollment.account());
        // The filter confirms a further authenticator elsewhere; here every enrollment is confirmed at /confirm.
        values.put("confirmUrl", view.pagesUrl() + CONFIRM);
        values.put("qrAlt", Messages.text(bundle, "enroll.qr.alt", enrollment.issuer(), enrollment.account()));
        TotpParameters parameters = view.policy().parameters();
        values.put("type", Messages.text(bundle, "enroll.type.value", parameters.digits(),
                parameters.periodSeconds(), parameters.algorithm()));
        // The filter's words, on the same page: the note when the policy excludes popular apps (null when it does not).
        values.put("compatibilityWarning", AppCompatibility.warning(bundle, parameters.algorithm(), parameters.digits(),
                parameters.periodSeconds()));
        render(response, view, 200, "enroll.title", ENROLL_BODY, errorKey, true, values);
    }

    void codes(HttpServletResponse response, View view, List<String> codes, String continueUrl) throws IOException {
        Map<String, Object> values = new HashMap<>();
        values.put("codes", codes);
        // The downloaded file says whose codes they are, as the filter's does.
        values.put("fileHref", RecoveryCodeFile.dataUri(Messages.text(bundle(view), "codes.file.heading",
                view.policy().issuer(), view.user()), codes));
        values.put("continueUrl", continueUrl);
        render(response, view, 200, "codes.title", CODES_BODY, null, false, values);
    }

    /** A form from another site, or with its token in the URL: 403, nothing done. */
    void forbidden(HttpServletResponse response, View view) throws IOException {
        forbidden(response, view, "message.forbidden.csrf");
    }

    /** A refused request, 403, saying why ({@code textKey}); nothing done. */
    void forbidden(HttpServletResponse response, View view, String textKey) throws IOException {
        String text = Messages.text(bundle(view), textKey);
        render(response, view, 403, "message.forbidden.title", MESSAGE_BODY, null, false, Map.of(),
                new PageLayout.Notice(text, true));
    }

    /**
     * The user's own settings (new authenticator, new recovery codes, turning the factor off where allowed) and the
     * user's trusted browsers ({@code browsers}), each with a form to forget it, where the policy trusts browsers or
     * any is left.
     */
    void manage(HttpServletResponse response, View view, TwoFactorStatus status, List<TrustedBrowser> browsers)
            throws IOException {
        manage(response, view, status, browsers, 200, null, null, null);
    }

    /** The settings page after a change, with {@code noticeKey} saying what was done. */
    void manageDone(HttpServletResponse response, View view, TwoFactorStatus status, List<TrustedBrowser> browsers,
            String noticeKey) throws IOException {
        manage(response, view, status, browsers, 200,
                new PageLayout.Notice(Messages.text(bundle(view), noticeKey), false), null, null);
    }

    /** Turning the factor off where the policy requires it: 403, no code checked. */
    void manageRequired(HttpServletResponse response, View view, TwoFactorStatus status, List<TrustedBrowser> browsers)
            throws IOException {
        manage(response, view, status, browsers, 403,
                new PageLayout.Notice(Messages.text(bundle(view), "manage.required"), true), null, null);
    }

    /**
     * The settings page after the code of the change {@code refused} (one of {@link SettingsPage#CHANGES}) was
     * refused, said at that form's field: wrong, replayed or missing ({@code retryAfter} {@code null}), or a lockout
     * (429 with {@code Retry-After}). Nothing was changed.
     */
    void manageRefused(HttpServletResponse response, View view, TwoFactorStatus status, List<TrustedBrowser> browsers,
            String refused, Duration retryAfter) throws IOException {
        ResourceBundle bundle = bundle(view);
        if (retryAfter != null) {
            response.setHeader("Retry-After", Long.toString(Messages.ceilSeconds(retryAfter)));
        }
        String refusal = retryAfter == null ? Messages.text(bundle, "manage.invalid")
                : Messages.text(bundle, "token.locked", retryAfter);
        manage(response, view, status, browsers, retryAfter == null ? 200 : 429, null, refused, refusal);
    }

    private void manage(HttpServletResponse response, View view, TwoFactorStatus status, List<TrustedBrowser> browsers,
            int httpStatus, PageLayout.Notice notice, String refused, String refusal) throws IOException {
        boolean disableAllowed = disableAllowed(view.policy());
        Map<String, Object> values = SettingsPage.values(bundle(view), status.isActive(),
                status.recoveryCodesRemaining(), disableAllowed, name -> view.pagesUrl() + "/" + name, refused, refusal,
                browsers, view.policy().trustedBrowserDays() > 0);
        render(response, view, httpStatus, "manage.title", MANAGE_BODY, null, false, values, notice);
    }

    void unavailable(HttpServletResponse response, View view) throws IOException {
        render(response, view, 503, "unavailable.title", UNAVAILABLE_BODY, null, false, Map.of());
    }

    private void render(HttpServletResponse response, View view, int status, String titleKey, Template body,
            String errorKey, boolean codeField, Map<String, Object> pageValues) throws IOException {
        render(response, view, status, titleKey, body, errorKey, codeField, pageValues, null);
    }

    private void render(HttpServletResponse response, View view, int status, String titleKey, Template body,
            String errorKey, boolean codeField, Map<String, Object> pageValues, PageLayout.Notice notice)
            throws IOException {
        ResourceBundle bundle = bundle(view);
        Map<String, String> texts = Messages.texts(bundle);
        String nonce = PageLayout.newNonce(random);
        int digits = view.policy().parameters().digits();
        long period = view.policy().parameters().periodSeconds();
        Map<String, Object> values = new HashMap<>();
        for (String route : List.of(TOKEN, VERIFY, RECOVERY, RECOVER, ENROLL, CONFIRM, MANAGE, FORGET_BROWSER,
                FORGET_BROWSERS)) {
            values.put("url" + route.replace('/', '.'), view.pagesUrl() + route);
        }
        values.put("url.logout", view.logoutUrl());
        values.put("nonce", nonce);
        values.put("codeParameter", CODE_PARAMETER);
        values.put("codeMaxLength", 2 * digits - 1);
        values.put("csrfFields", view.csrf() == null ? null : csrfFields(view.csrf()));
        // "Remember this browser" is offered on the token page only (token(...) sets it).
        values.put("trustBrowser", null);
        // On a page with a code field, what was wrong with the code is said at the field, not above the page.
        String fieldError = errorKey == null ? null : Messages.text(bundle, errorKey);
        values.put("fieldError", fieldError);
        if (codeField) {
            Map<String, Object> field = new HashMap<>();
            field.put("codeParameter", CODE_PARAMETER);
            field.put("codeMaxLength", 2 * digits - 1);
            field.put("codeHint", Messages.text(bundle, "field.code.hint", digits, period));
            field.put("fieldError", fieldError);
            values.put("codeField", CODE_FIELD.render(field, texts));
        }
        values.putAll(pageValues);
        SafeHtml html = body.render(values, texts);
        values.put("signedInAs", Messages.text(bundle, "signed.in.as", view.user()));
        SafeHtml footer = FOOTER.render(values, texts);
        String page = PageLayout.render(bundle, branding, view.contextPath(), Messages.text(bundle, titleKey), notice,
                html, footer).html();
        protectiveHeaders(response);
        // 'self' for images or styles only when the branding has a logo or a style sheet, as on the filter's pages.
        response.setHeader("Content-Security-Policy", PageLayout.contentSecurityPolicy(nonce, branding));
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter writer = response.getWriter();
        writer.write(page);
        writer.flush();
    }

    /**
     * Spring's token as the form's only token: Spring's {@code CsrfFilter} checks it before the factor's filter sees
     * the form, so there is no second, TOTP Guard token (the template's {@code hostCsrf} is the filter's case).
     */
    private static SafeHtml csrfFields(CsrfToken csrf) {
        Map<String, Object> values = new HashMap<>();
        values.put("csrfParameter", csrf.getParameterName());
        values.put("csrfToken", csrf.getToken());
        values.put("hostCsrf", null);
        return CSRF_FIELDS.render(values);
    }

    private ResourceBundle bundle(View view) {
        return messages.bundle(view.acceptLanguage());
    }
}
