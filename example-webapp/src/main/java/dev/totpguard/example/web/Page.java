package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * The typed model of one page's body. {@link Pages} renders its {@link #content()} (the body template, with the
 * page's values and the site's: {@code {{context}}}, {@code {{link.NAME}}}, {@code {{csrfField}}}) and puts it into
 * the layout. The template escapes every value; a model never holds markup other than a rendered template.
 * Implementations are immutable records, one per page, each with its template in a resource beside this class.
 */
sealed interface Page permits AdministratorsPage, AuditLogPage, ChangeEmailPage, DashboardPage, EditAdministratorPage, HelpPage,
        LoginPage, MenuPage, MessagePage, NewAdministratorPage, RecoveryCodesPage, ResetConfirmationPage,
        SecuritySettingsPage {

    /** The page's title, its template and the values the template reads. */
    Content content();

    /**
     * What a page renders.
     *
     * @param title the page's heading and the first part of its {@code <title>}
     * @param values by name ({@link PageValues}); a name the template uses must be present, its value may be null;
     *     a {@link Text} or {@link Localized} value is written in the response's language
     */
    record Content(Text title, Template template, Map<String, Object> values) {

        public Content {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(template, "template");
            values = Collections.unmodifiableMap(values);
        }
    }
}
