package dev.totpguard.internal.web;

import dev.totpguard.Authenticator;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification;
import dev.totpguard.recovery.RecoveryCodes;
import dev.totpguard.store.TrustedBrowser;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Function;

/**
 * The values of the user's own settings page ({@code pages/manage.html}), shared by the filter and the Spring Security
 * module so that both offer the same changes with the same words: a new authenticator, new recovery codes and, where
 * the policy allows it, turning the factor off, each a form that asks for a current code from the app or a recovery
 * code ({@link #checkProof}); and, where the policy trusts browsers, the user's trusted browsers, each with a form to
 * forget it and one to forget them all. Stateless.
 */
public final class SettingsPage {

    /** The changes on the page, in order: each is a form whose action is the pages path plus {@code /<name>}. */
    public static final List<String> CHANGES = List.of("reenroll", "regenerate", "disable");

    /** The change that turns the factor off, offered only when the policy allows it. */
    public static final String DISABLE = "disable";

    /** The form that forgets one trusted browser: its action is the pages path plus {@code /forget}. */
    public static final String FORGET_BROWSER = "forget";

    /** The form that forgets every trusted browser of the user: the pages path plus {@code /forgetall}. */
    public static final String FORGET_BROWSERS = "forgetall";

    /** Dates on the page (authenticators, trusted browsers): day and minute in UTC, the same on every node. */
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private SettingsPage() {
    }

    /**
     * Checks the proof typed into a change's form: a recovery code if it has a recovery code's shape
     * ({@link RecoveryCodes#normalise} accepts it: ten letters and digits, spaces and dashes aside, which no TOTP code
     * of 6 to 8 digits has), used up by {@link TwoFactorService#useRecoveryCode}; otherwise a current code from the
     * app, used up by {@link TwoFactorService#verify}. Both count a refusal against the same failure limit and lockout.
     *
     * <p>A recovery code proves every change: it is the account's own fallback for the authenticator, and the one
     * thing a user who lost the phone and signed in with it has. Refusing it here would leave that user unable to set
     * up a new authenticator (only an administrator's reset would help), while anyone holding it can already sign
     * in and then set up an authenticator of their own. Turning the factor off stays refused wherever the policy
     * requires it, whatever the proof.
     *
     * @param code what the user typed, or {@code null}
     * @param clientAddress the client's address as the caller resolves it for the per-address limit, or {@code null}
     */
    public static Verification checkProof(TwoFactorService service, String user, String code, String clientAddress) {
        return RecoveryCodes.normalise(code) != null
                ? service.useRecoveryCode(user, code, clientAddress)
                : service.verify(user, code, clientAddress);
    }

    /**
     * The template's values.
     *
     * @param actionUrl the URL path of a change's form, by its name in {@link #CHANGES}
     * @param refused the name of the change whose code was refused, or {@code null}
     * @param refusal what was wrong with that code (said at that form's field, which is marked invalid and has the
     *     focus), or {@code null}
     */
    public static Map<String, Object> values(ResourceBundle bundle, boolean active, int recoveryCodesLeft,
            boolean disableAllowed, Function<String, String> actionUrl, String refused, String refusal) {
        List<Map<String, Object>> sections = new ArrayList<>();
        for (String name : CHANGES) {
            if (name.equals(DISABLE) && !disableAllowed) {
                continue;
            }
            Map<String, Object> section = new HashMap<>();
            section.put("name", name);
            section.put("title", Messages.text(bundle, "manage." + name + ".title"));
            section.put("note", name.equals("regenerate") ? Messages.text(bundle, "manage.regenerate.note") : null);
            section.put("action", actionUrl.apply(name));
            section.put("submit", Messages.text(bundle, "manage." + name + ".submit"));
            section.put("sectionError", name.equals(refused) ? refusal : null);
            sections.add(section);
        }
        Map<String, Object> values = new HashMap<>();
        values.put("active", active);
        values.put("disableAllowed", disableAllowed);
        values.put("sections", sections);
        values.put("activeText", Messages.text(bundle, "manage.active", recoveryCodesLeft));
        // Without trusted browsers ("remember this browser") the section is left out; see the other values(...).
        values.put("trusted", null);
        // The filter's authenticators replace this with theirs (authenticators below).
        values.put("authenticators", null);
        return values;
    }

    /**
     * The template's {@code authenticators} value: the account's authenticators, each with a form that removes it with a
     * current code, and below the policy's limit a form that adds one (a label and a current code); at the limit a note
     * instead.
     *
     * @param refusedId the authenticator whose removal was refused, or {@code null}
     * @param refusedAdd non-{@code null} when the addition was refused
     * @param refusal what was wrong (said at that form's code field), or {@code null}
     * @param keepLast whether the factor is required, so that a last authenticator is listed without a Remove form
     */
    public static Map<String, Object> authenticators(ResourceBundle bundle, List<Authenticator> authenticators, int max,
            String removeUrl, String addUrl, String idParameter, String labelParameter, String refusedId, String refusedAdd,
            String refusal, boolean keepLast) {
        List<Map<String, Object>> items = new ArrayList<>();
        // Where the factor is required, the last one is listed without a Remove form (its POST would be refused anyway).
        boolean removable = !(keepLast && authenticators.size() == 1);
        for (Authenticator authenticator : authenticators) {
            Map<String, Object> item = new HashMap<>();
            item.put("removable", removable);
            item.put("id", authenticator.id());
            item.put("parameter", idParameter);
            item.put("action", removeUrl);
            String label = authenticator.label().orElse(Messages.text(bundle, "manage.authenticators.unnamed"));
            item.put("text", authenticator.lastUsedAt()
                    .map(used -> Messages.text(bundle, "manage.authenticators.item.used", label, WHEN.format(authenticator.addedAt()),
                            WHEN.format(used)))
                    .orElse(Messages.text(bundle, "manage.authenticators.item", label, WHEN.format(authenticator.addedAt()))));
            item.put("error", authenticator.id().equals(refusedId) ? refusal : null);
            items.add(item);
        }
        Map<String, Object> values = new HashMap<>();
        values.put("items", items);
        values.put("note", Messages.text(bundle, "manage.authenticators.note", max));
        if (authenticators.size() < max) {
            Map<String, Object> add = new HashMap<>();
            add.put("action", addUrl);
            add.put("labelParameter", labelParameter);
            add.put("labelMaxLength", 100);
            add.put("error", refusedAdd != null ? refusal : null);
            values.put("add", add);
            values.put("limit", null);
        } else {
            values.put("add", null);
            values.put("limit", refusedAdd != null && refusal != null ? refusal : Messages.text(bundle, "manage.authenticators.limit", max));
        }
        return values;
    }

    /**
     * The template's values with the user's trusted browsers: the section is shown where the policy trusts browsers
     * ({@code trustOffered}) or any is left from before, each browser with a form posting its public id in
     * {@link TrustedBrowserCookies#BROWSER_PARAMETER} to {@link #FORGET_BROWSER}, and one form to
     * {@link #FORGET_BROWSERS}; the template's {@code url.forget} and {@code url.forgetall} are the caller's.
     */
    public static Map<String, Object> values(ResourceBundle bundle, boolean active, int recoveryCodesLeft,
            boolean disableAllowed, Function<String, String> actionUrl, String refused, String refusal,
            List<TrustedBrowser> trustedBrowsers, boolean trustOffered) {
        Map<String, Object> values = values(bundle, active, recoveryCodesLeft, disableAllowed, actionUrl, refused,
                refusal);
        if (trustOffered || !trustedBrowsers.isEmpty()) {
            List<Map<String, Object>> browsers = new ArrayList<>();
            for (TrustedBrowser browser : trustedBrowsers) {
                browsers.add(Map.of("id", browser.id(), "parameter", TrustedBrowserCookies.BROWSER_PARAMETER,
                        "text", Messages.text(bundle, "manage.trusted.item", browser.label(),
                                WHEN.format(browser.createdAt()), WHEN.format(browser.expiresAt()))));
            }
            values.put("trusted", Map.of("browsers", browsers, "any", !browsers.isEmpty()));
        }
        return values;
    }

    /**
     * The token page's {@code trustBrowser} value: the checkbox "trust this browser for {@code days} days", or
     * {@code null} (not offered) when {@code days} is 0.
     */
    public static Map<String, Object> trustChoice(ResourceBundle bundle, int days) {
        return days == 0 ? null : Map.of("parameter", TrustedBrowserCookies.TRUST_PARAMETER,
                "label", Messages.text(bundle, "token.trust", days));
    }
}
