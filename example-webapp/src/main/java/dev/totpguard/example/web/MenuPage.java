package dev.totpguard.example.web;

import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Objects;

/**
 * The menu pages "Setup" and "Staff Management" ({@code setup.html}, {@code staff-management.html}): each lists what
 * lies below it, and shows nothing but links.
 */
record MenuPage(String title, Template template) implements Page {

    static final MenuPage SETUP = new MenuPage("Setup", Template.load(MenuPage.class, "setup.html"));
    static final MenuPage STAFF_MANAGEMENT = new MenuPage("Staff Management", Template.load(MenuPage.class, "staff-management.html"));

    MenuPage {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(template, "template");
    }

    @Override
    public Map<String, Object> values() {
        return Map.of();
    }
}
