package dev.totpguard.example.web;

import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The typed model of one page's body: its title, its template (a resource beside this class) and the values the
 * template reads. {@link Pages} renders the body with these values and the site's ({@code {{link.NAME}}},
 * {@code {{csrfField}}}), then puts it into the layout. The template escapes every value; a model never holds
 * markup other than a rendered template. Implementations are immutable records (or enum constants).
 */
sealed interface Page permits AdministratorsPage, AuditLogPage, DashboardPage, EditAdministratorPage, HelpPage,
        LoginPage, MenuPage, MessagePage, NewAdministratorPage, RecoveryCodesPage, ResetConfirmationPage,
        SecuritySettingsPage {

    /** The page's heading and the first part of its {@code <title>}. */
    String title();

    Template template();

    /** The values the template reads, by name; a name the template uses must be present (its value may be null). */
    Map<String, Object> values();
}
