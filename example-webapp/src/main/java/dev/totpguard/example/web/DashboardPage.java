package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The page after login ({@code dashboard.html}): where to go, and the signed-in administrator's own two-factor
 * status.
 *
 * @param administrator the signed-in administrator's user name
 * @param twoFactor their two-factor state, as {@link Format#state} writes it
 * @param manageHref their own "Two-Factor Authentication" section
 */
record DashboardPage(String administrator, Text twoFactor, String manageHref) implements Page {

    private static final Template TEMPLATE = Template.load(DashboardPage.class, "dashboard.html");

    @Override
    public Content content() {
        return new Content(Text.of("title.dashboard"), TEMPLATE,
                new PageValues().with("welcome", Text.of("dashboard.welcome", administrator)).with("twoFactor", twoFactor).with("manageHref", manageHref).map());
    }
}
