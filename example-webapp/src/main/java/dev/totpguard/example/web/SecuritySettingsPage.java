package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * "Security Settings" ({@code security-settings.html}): "Require two-factor authentication for all administrators",
 * turned on or off with one button.
 *
 * @param saved the notice after a change
 * @param required the setting now
 */
record SecuritySettingsPage(boolean saved, boolean required) implements Page {

    private static final Template TEMPLATE = Template.load(SecuritySettingsPage.class, "security-settings.html");

    @Override
    public Content content() {
        return new Content(Text.of("title.securitySettings"), TEMPLATE, new PageValues().with("saved", saved).with("required", required).map());
    }
}
