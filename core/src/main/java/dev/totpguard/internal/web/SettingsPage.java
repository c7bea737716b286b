package dev.totpguard.internal.web;

import dev.totpguard.Authenticator;
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
 * the policy allows it, turning the factor off, each a form that asks for a current code. Stateless.
 */
public final class SettingsPage {

    /** The changes on the page, in order: each is a form whose action is the pages path plus {@code /<name>}. */
    public static final List<String> CHANGES = List.of("reenroll", "regenerate", "disable");

    /** The change that turns the factor off, offered only when the policy allows it. */
    public static final String DISABLE = "disable";

    private SettingsPage() {
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
        // The filter's trusted browsers ("remember this browser") replace this with their list; none elsewhere.
        values.put("trusted", null);
        // The filter's authenticators replace this with theirs (authenticators below).
        values.put("authenticators", null);
        return values;
    }

    /** Dates on the page: day and minute in UTC, the same on every node. */
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * The template's {@code authenticators} value: the account's authenticators, each with a form that removes it with a
     * current code, and below the policy's limit a form that adds one (a label and a current code); at the limit a note
     * instead.
     *
     * @param refusedId the authenticator whose removal was refused, or {@code null}
     * @param refusedAdd non-{@code null} when the addition was refused
     * @param refusal what was wrong (said at that form's code field), or {@code null}
     */
    public static Map<String, Object> authenticators(ResourceBundle bundle, List<Authenticator> authenticators, int max,
            String removeUrl, String addUrl, String idParameter, String labelParameter, String refusedId, String refusedAdd,
            String refusal) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Authenticator authenticator : authenticators) {
            Map<String, Object> item = new HashMap<>();
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
}
