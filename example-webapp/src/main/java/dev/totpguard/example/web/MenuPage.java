package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The menu pages "Setup" and "Staff Management" ({@code setup.html}, {@code staff-management.html}): each lists what
 * lies below it, and shows nothing but links.
 */
record MenuPage(Text title, Template template) implements Page {

    static final MenuPage SETUP = new MenuPage(Text.of("title.setup"), Template.load(MenuPage.class, "setup.html"));
    static final MenuPage STAFF_MANAGEMENT = new MenuPage(Text.of("title.staff"), Template.load(MenuPage.class, "staff-management.html"));

    @Override
    public Content content() {
        return new Content(title, template, Map.of());
    }
}
