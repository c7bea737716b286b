package dev.totpguard.example.web;

import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Objects;

/**
 * The page after login ({@code dashboard.html}): where to go, and the signed-in administrator's own two-factor
 * status.
 *
 * @param administrator the signed-in administrator's user name
 * @param twoFactor their two-factor state, as {@link Format#state} writes it
 * @param manageHref their own "Two-Factor Authentication" section
 */
record DashboardPage(String administrator, String twoFactor, String manageHref) implements Page {

    private static final Template TEMPLATE = Template.load(DashboardPage.class, "dashboard.html");

    DashboardPage {
        Objects.requireNonNull(administrator, "administrator");
        Objects.requireNonNull(twoFactor, "twoFactor");
        Objects.requireNonNull(manageHref, "manageHref");
    }

    @Override
    public String title() {
        return "Dashboard";
    }

    @Override
    public Template template() {
        return TEMPLATE;
    }

    @Override
    public Map<String, Object> values() {
        return new PageValues().with("administrator", administrator).with("twoFactor", twoFactor).with("manageHref", manageHref).map();
    }
}
