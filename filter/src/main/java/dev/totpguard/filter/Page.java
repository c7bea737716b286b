package dev.totpguard.filter;

import dev.totpguard.internal.web.AppCompatibility;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.internal.web.RecoveryCodeFile;
import dev.totpguard.internal.web.SettingsPage;
import dev.totpguard.store.TrustedBrowser;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * What one filter page shows: one record per page, each with the data of its template
 * ({@code pages/<kind>.html} in core's {@code internal.web}, rendered by {@link Pages}) and of the request attributes
 * a replacement page gets. Built per response, never stored. No {@code toString()} shows an enrollment key or a
 * recovery code. Immutable.
 */
sealed interface Page permits Page.Token, Page.Recovery, Page.Enroll, Page.Codes, Page.Manage, Page.Unavailable,
        Page.Message {

    /** Which page; also the name of its template and of its replacement setting. */
    PageKind kind();

    /** The status, the notice above the page and the {@code Retry-After}. */
    Reply reply();

    /** The bundle key of the title. */
    default String titleKey() {
        return kind().key() + ".title";
    }

    /**
     * The values of this page's own template, beyond the ones every page has (see {@link Pages}); plain values, which
     * the template escapes.
     */
    default Map<String, Object> values(ResourceBundle bundle, Pages.Context context) {
        return Map.of();
    }

    /** This page's data for a replacement page, as request attributes {@code totpguard.<name>}. */
    default Map<String, Object> attributes() {
        return Map.of();
    }

    /**
     * The status of a page, an optional notice (a bundle key with arguments; a {@link Duration} reads as "2 minutes")
     * and, for a lockout, how long until codes are checked again.
     */
    record Reply(int status, String messageKey, List<Object> messageArgs, Duration retryAfter) {

        static final Reply OK = new Reply(200, null, List.of(), null);

        public Reply {
            messageArgs = List.copyOf(messageArgs);
        }

        static Reply notice(String key, Object... args) {
            return new Reply(200, key, List.of(args), null);
        }

        static Reply status(int status, String key) {
            return new Reply(status, key, List.of(), null);
        }

        /** Too many wrong codes: 429, with the time left in the text and in {@code Retry-After}. */
        static Reply locked(Duration retryAfter) {
            return new Reply(429, "token.locked", List.of(retryAfter), retryAfter);
        }
    }

    /**
     * Asks for the code from the authenticator app.
     *
     * @param trustedBrowserDays offered "trust this browser for N days" with the code; 0: not offered
     */
    record Token(Reply reply, int trustedBrowserDays) implements Page {

        Token(Reply reply) {
            this(reply, 0);
        }

        @Override
        public PageKind kind() {
            return PageKind.TOKEN;
        }

        @Override
        public Map<String, Object> values(ResourceBundle bundle, Pages.Context context) {
            Map<String, Object> values = new HashMap<>();
            values.put("trustBrowser", SettingsPage.trustChoice(bundle, trustedBrowserDays));
            return values;
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of("trustedBrowserDays", trustedBrowserDays);
        }
    }

    /** Asks for a recovery code instead. */
    record Recovery(Reply reply) implements Page {
        @Override
        public PageKind kind() {
            return PageKind.RECOVERY;
        }
    }

    /**
     * QR code, key for manual entry and a field for the first code.
     *
     * @param otpauthUri what the QR code holds, also offered as a link ("Open in your authenticator app") for the phone
     *     that shows the page and so cannot scan it
     */
    record Enroll(Reply reply, String qrDataUri, String otpauthUri, String groupedKey, String issuer, String account,
            Route confirm) implements Page {

        Enroll(dev.totpguard.Enrollment enrollment, Reply reply) {
            this(enrollment, reply, Route.CONFIRM);
        }

        /** @param confirm where the first code goes: {@link Route#CONFIRM}, or {@link Route#CONFIRM_AUTHENTICATOR} for a further one */
        Enroll(dev.totpguard.Enrollment enrollment, Reply reply, Route confirm) {
            this(reply, enrollment.qrPngDataUri(), enrollment.otpAuthUri().toUriString(), enrollment.groupedKey(),
                    enrollment.issuer(), enrollment.account(), confirm);
        }

        @Override
        public PageKind kind() {
            return PageKind.ENROLL;
        }

        @Override
        public Map<String, Object> values(ResourceBundle bundle, Pages.Context context) {
            Map<String, Object> values = new HashMap<>(attributes());
            values.put("qrAlt", Messages.text(bundle, "enroll.qr.alt", issuer, account));
            values.put("type", Messages.text(bundle, "enroll.type.value", context.digits(), context.periodSeconds(),
                    context.algorithm()));
            values.put("compatibilityWarning", AppCompatibility.warning(bundle, HmacAlgorithm.fromName(context.algorithm()),
                    context.digits(), context.periodSeconds()));
            values.put("confirmUrl", context.url(confirm));
            return values;
        }

        @Override
        public Map<String, Object> attributes() {
            // Not Map.of: a value may be null (an issuer the policy leaves out).
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("qrDataUri", qrDataUri);
            attributes.put("otpauthUri", otpauthUri);
            attributes.put("key", groupedKey);
            attributes.put("issuer", issuer);
            attributes.put("account", account);
            return attributes;
        }

        /** Hides the key and the QR code, which holds it. */
        @Override
        public String toString() {
            return "Page.Enroll[" + reply + ", " + issuer + ", " + account + "]";
        }
    }

    /** The new recovery codes, shown once; then on to {@code continueUrl}. */
    record Codes(String issuer, String account, List<String> recoveryCodes, String continueUrl) implements Page {

        public Codes {
            recoveryCodes = List.copyOf(recoveryCodes);
        }

        @Override
        public PageKind kind() {
            return PageKind.CODES;
        }

        @Override
        public Reply reply() {
            return Reply.OK;
        }

        @Override
        public Map<String, Object> values(ResourceBundle bundle, Pages.Context context) {
            String heading = issuer == null ? null : Messages.text(bundle, "codes.file.heading", issuer, account);
            Map<String, Object> values = new HashMap<>();
            values.put("codes", recoveryCodes);
            values.put("fileHref", RecoveryCodeFile.dataUri(heading, recoveryCodes));
            values.put("continueUrl", continueUrl);
            return values;
        }

        @Override
        public Map<String, Object> attributes() {
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("issuer", issuer);
            attributes.put("account", account);
            attributes.put("recoveryCodes", recoveryCodes);
            attributes.put("continueUrl", continueUrl);
            return attributes;
        }

        /** Hides the codes. */
        @Override
        public String toString() {
            return "Page.Codes[" + account + ", " + recoveryCodes.size() + " codes]";
        }
    }

    /**
     * The user's own settings: new authenticator, new recovery codes, turn off.
     *
     * @param refused the change whose code was refused, or {@code null}: the reply's message is said at that form's
     *     field, not above the page
     */
    record Manage(Reply reply, boolean active, int recoveryCodesLeft, boolean disableAllowed, Route refused,
            List<TrustedBrowser> trustedBrowsers, boolean trustOffered, List<dev.totpguard.Authenticator> authenticators,
            int maxAuthenticators, String refusedAuthenticator) implements Page {

        Manage(Reply reply, boolean active, int recoveryCodesLeft, boolean disableAllowed, Route refused) {
            this(reply, active, recoveryCodesLeft, disableAllowed, refused, List.of(), false, List.of(), 1, null);
        }

        public Manage {
            trustedBrowsers = List.copyOf(trustedBrowsers);
            authenticators = List.copyOf(authenticators);
        }

        @Override
        public PageKind kind() {
            return PageKind.MANAGE;
        }

        @Override
        public Map<String, Object> values(ResourceBundle bundle, Pages.Context context) {
            String refusal = refused != null && reply.messageKey() != null
                    ? Messages.text(bundle, reply.messageKey(), reply.messageArgs().toArray()) : null;
            Map<String, Object> values = SettingsPage.values(bundle, active, recoveryCodesLeft, disableAllowed,
                    name -> context.pagesUrl() + "/" + name, refused == null ? null : refused.path().substring(1),
                    refusal, trustedBrowsers, trustOffered);
            if (active && !authenticators.isEmpty()) {
                values.put("authenticators", SettingsPage.authenticators(bundle, authenticators, maxAuthenticators,
                        context.url(Route.REMOVE_AUTHENTICATOR), context.url(Route.ADD_AUTHENTICATOR), Pages.AUTHENTICATOR_PARAMETER,
                        Pages.LABEL_PARAMETER, refused == Route.REMOVE_AUTHENTICATOR ? refusedAuthenticator : null,
                        refused == Route.ADD_AUTHENTICATOR ? "add" : null, refusal, !disableAllowed));
            }
            return values;
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of("active", active, "recoveryCodesLeft", recoveryCodesLeft, "disableAllowed", disableAllowed,
                    "trustedBrowsers", trustedBrowsers, "authenticators", authenticators, "maxAuthenticators", maxAuthenticators);
        }
    }

    /** The credential store cannot be reached (HTTP 503). */
    record Unavailable() implements Page {
        @Override
        public PageKind kind() {
            return PageKind.UNAVAILABLE;
        }

        @Override
        public Reply reply() {
            return new Reply(503, null, List.of(), null);
        }
    }

    /** A short refusal or notice with a title of its own, e.g. a 403 for a missing CSRF token. */
    record Message(int status, String titleKey, String textKey) implements Page {
        @Override
        public PageKind kind() {
            return PageKind.MESSAGE;
        }

        @Override
        public Reply reply() {
            return Reply.status(status, textKey);
        }
    }
}
