package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Optional;

/**
 * "Security Settings" ({@code security-settings.html}): "Require two-factor authentication for all administrators",
 * turned on or off with one button.
 *
 * @param saved the notice after a change
 * @param required the setting now
 * @param graceDays the grace period's days ({@link EnforcementGrace}), 0 for none
 * @param graceSignIns the grace period's sign-ins, 0 for none
 */
record SecuritySettingsPage(boolean saved, boolean required, int graceDays, int graceSignIns) implements Page {

    private static final Template TEMPLATE = Template.load(SecuritySettingsPage.class, "security-settings.html");

    @Override
    public Content content() {
        return new Content(Text.of("title.securitySettings"), TEMPLATE, new PageValues().with("saved", saved).with("required", required)
                .with("grace", grace()).map());
    }

    /** The grace period, in words ("14 days or 5 sign-ins, whichever comes first"), or empty without one. */
    private Optional<Text> grace() {
        Text days = Text.of("settings.grace.days", graceDays);
        Text signIns = Text.of("settings.grace.signIns", graceSignIns);
        if (graceDays > 0 && graceSignIns > 0) {
            return Optional.of(Text.of("settings.grace", Text.of("settings.grace.both", days, signIns)));
        }
        if (graceDays > 0 || graceSignIns > 0) {
            return Optional.of(Text.of("settings.grace", graceDays > 0 ? days : signIns));
        }
        return Optional.empty();
    }
}
