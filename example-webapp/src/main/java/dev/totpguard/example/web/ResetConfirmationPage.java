package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The confirmation of "Disable" for another administrator's second factor ({@code reset-confirmation.html}): the
 * GET shows it, only its POST removes the factor.
 *
 * @param username whose factor would be removed
 * @param cancelHref their "Two-Factor Authentication" section
 */
record ResetConfirmationPage(String username, String cancelHref) implements Page {

    private static final Template TEMPLATE = Template.load(ResetConfirmationPage.class, "reset-confirmation.html");

    @Override
    public Content content() {
        return new Content(Text.of("title.reset"), TEMPLATE,
                new PageValues().with("username", username).with("submitText", Text.of("reset.submit", username)).with("cancelHref", cancelHref).map());
    }
}
