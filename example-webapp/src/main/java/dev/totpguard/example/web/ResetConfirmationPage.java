package dev.totpguard.example.web;

import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Objects;

/**
 * The confirmation of "Disable" for another administrator's second factor ({@code reset-confirmation.html}): the
 * GET shows it, only its POST removes the factor.
 *
 * @param username whose factor would be removed
 * @param cancelHref their "Two-Factor Authentication" section
 */
record ResetConfirmationPage(String username, String cancelHref) implements Page {

    private static final Template TEMPLATE = Template.load(ResetConfirmationPage.class, "reset-confirmation.html");

    ResetConfirmationPage {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(cancelHref, "cancelHref");
    }

    @Override
    public String title() {
        return "Disable two-factor authentication";
    }

    @Override
    public Template template() {
        return TEMPLATE;
    }

    @Override
    public Map<String, Object> values() {
        return new PageValues().with("username", username).with("cancelHref", cancelHref).map();
    }
}
