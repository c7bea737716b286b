package dev.totpguard.jaspic;

import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.internal.web.PageLayout;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * The pages of {@link TotpServerAuthModule}: the filter's layout, style sheet, texts and headers (core's
 * {@link PageLayout} and {@link Messages}, keys {@code sam.*} and {@code message.*}) around the module's own form
 * ({@code pages/form.html} beside this class), every value escaped by the template, in the shipped language
 * ({@link Messages#SHIPPED_LOCALES}: English, German) that best matches the request's {@code Accept-Language}. Nothing the client sent is ever
 * shown. Immutable and thread-safe.
 */
final class Pages {

    private static final Template FORM = Template.load(Pages.class, "pages/form.html");

    /** The form field with the session's CSRF token. */
    static final String CSRF_PARAMETER = "csrf";

    private final Messages messages = new Messages(Messages.DEFAULT_BASE_NAME, Messages.SHIPPED_LOCALES);
    private final Branding branding;

    /** @param branding the application's name, logo and style sheet ({@code totpguard.sam.brand.*}) */
    Pages(Branding branding) {
        this.branding = branding;
    }

    Branding branding() {
        return branding;
    }

    /** One labelled input of a form; the label is a bundle key. */
    record Field(String labelKey, String name, String type, String autocomplete) {
    }

    /**
     * A form that posts to {@code action} with the session's CSRF token.
     *
     * @param noticeKey the bundle key of an error above the form, or {@code null}
     */
    String form(HttpServletRequest request, String titleKey, String noticeKey, String action, String csrfToken,
            List<Field> fields) {
        ResourceBundle bundle = messages.bundle(request.getHeader("Accept-Language"));
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (Field field : fields) {
            inputs.add(Map.of("label", Messages.text(bundle, field.labelKey()), "name", field.name(),
                    "type", field.type(), "autocomplete", field.autocomplete()));
        }
        Map<String, Object> values = new HashMap<>();
        values.put("action", action);
        values.put("csrfParameter", CSRF_PARAMETER);
        values.put("csrfToken", csrfToken);
        values.put("fields", inputs);
        SafeHtml body = FORM.render(values, Messages.texts(bundle));
        return page(request, bundle, titleKey, noticeKey == null ? null : new PageLayout.Notice(Messages.text(bundle,
                noticeKey), true), body);
    }

    /** A short page: a title and one sentence, an error if {@code error}. */
    String message(HttpServletRequest request, String titleKey, String textKey, boolean error) {
        ResourceBundle bundle = messages.bundle(request.getHeader("Accept-Language"));
        return page(request, bundle, titleKey, new PageLayout.Notice(Messages.text(bundle, textKey), error), null);
    }

    private String page(HttpServletRequest request, ResourceBundle bundle, String titleKey, PageLayout.Notice notice,
            SafeHtml body) {
        return PageLayout.render(bundle, branding, request.getContextPath(), Messages.text(bundle, titleKey), notice, body,
                null).html();
    }
}
