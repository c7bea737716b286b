package dev.totpguard.internal.web;

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
        return Map.of("active", active, "disableAllowed", disableAllowed, "sections", sections,
                "activeText", Messages.text(bundle, "manage.active", recoveryCodesLeft));
    }
}
