package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.filter.CsrfProtection;
import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import dev.totpguard.internal.web.Messages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * Sends the pages of the admin UI: a {@link Page}'s body, rendered from its template, inside the layout
 * ({@code layout.html}: the title, the navigation "Setup" &gt; "Staff Management" &gt; "Administrators", the sign-out
 * button, and the banner that asks a signed-in administrator without two-factor authentication to enable it, or, within
 * the grace period of "Require two-factor authentication", says when it will be required).
 *
 * <p>Every value goes through the template, which escapes it; the only markup inserted as it is are rendered
 * templates (the body into the layout, the CSRF field into the forms). A body template sees its page's values and
 * the site's: {@code {{context}}}, {@code {{link.NAME}}} ({@link Paths#links}) and, on admin pages,
 * {@code {{csrfField}}}, the hidden field with the session's token of {@link CsrfProtection} that
 * {@link CsrfFilter} checks.
 *
 * <p>Every text comes from the example's bundle ({@link Text#BUNDLE}): a template writes {@code {{KEY}}}, a page
 * value that is a {@link Text} or {@link Localized} is written in the response's language. That language is the one
 * of {@link Text#LOCALES} (English, German) that best matches the request's {@code Accept-Language}, chosen by core's
 * {@link Messages}, so the tags clients send never reach a bundle cache; {@code <html lang>} names it. Thread-safe.
 */
final class Pages {

    private static final Template LAYOUT = Template.load(Pages.class, "layout.html");
    private static final Template CSRF_FIELD = Template.load(Pages.class, "csrf-field.html");

    /**
     * What the layout shows around a body.
     *
     * @param navigation the admin navigation and sign-out button, or only the site's name (login, errors before
     *     login)
     * @param user the signed-in administrator
     * @param passwordOnly whether to show the banner asking {@code user} to enable two-factor authentication
     * @param grace the sentence saying when two-factor authentication will be required of {@code user}, while within the
     *     grace period of "Require two-factor authentication" ({@link EnforcementGrace}); shown instead of that banner
     */
    record Frame(boolean navigation, Optional<String> user, boolean passwordOnly, Optional<Text> grace) {

        Frame {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(grace, "grace");
        }

        Frame(boolean navigation, Optional<String> user, boolean passwordOnly) {
            this(navigation, user, passwordOnly, Optional.empty());
        }

        static Frame plain() {
            return new Frame(false, Optional.empty(), false);
        }
    }

    private final CsrfProtection csrf;
    private final Messages messages = new Messages(Text.BUNDLE, Text.LOCALES);

    Pages(CsrfProtection csrf) {
        this.csrf = Objects.requireNonNull(csrf, "csrf");
    }

    /** The texts in the shipped language that best matches the request's {@code Accept-Language}. */
    ResourceBundle bundle(HttpServletRequest request) {
        return messages.bundle(request.getHeader("Accept-Language"));
    }

    /** An admin page: navigation, the banner when the signed-in administrator has no 2FA, then {@code page}. */
    void admin(HttpServletRequest request, HttpServletResponse response, int status, Page page) throws IOException {
        Optional<String> user = Optional.ofNullable(request.getRemoteUser());
        boolean passwordOnly = user.isPresent() && Boolean.FALSE.equals(request.getAttribute(EnforcementFilter.TWO_FACTOR_ACTIVE));
        Optional<Text> grace = passwordOnly && request.getAttribute(EnforcementFilter.GRACE_BANNER) instanceof Text text
                ? Optional.of(text) : Optional.empty();
        // Admin pages have forms (at least "Log Out"), so they need the session's token, created here when missing.
        String token = csrf.token(request.getSession(true));
        send(response, status, render(page, request.getContextPath(), Optional.of(token), new Frame(true, user, passwordOnly, grace),
                bundle(request)));
    }

    /** A page without navigation and without forms of this application (login, errors before login). */
    void plain(HttpServletRequest request, HttpServletResponse response, int status, Page page) throws IOException {
        send(response, status, render(page, request.getContextPath(), Optional.empty(), Frame.plain(), bundle(request)));
    }

    /**
     * The whole document.
     *
     * @param csrfToken the session's CSRF token, for pages with forms; without it a template using
     *     {@code {{csrfField}}} fails
     * @param bundle the texts, in the response's language
     * @throws IllegalArgumentException if a template uses a name that no value or text holds
     */
    static SafeHtml render(Page page, String contextPath, Optional<String> csrfToken, Frame frame, ResourceBundle bundle) {
        Map<String, String> texts = Messages.texts(bundle);
        Map<String, Object> site = new HashMap<>(Paths.links(contextPath));
        site.put("context", contextPath);
        csrfToken.ifPresent(token -> site.put("csrfField",
                CSRF_FIELD.render(Map.of("parameter", CsrfProtection.PARAMETER, "token", token))));

        Page.Content content = page.content();
        Map<String, Object> bodyValues = new HashMap<>(site);
        content.values().forEach((name, value) -> {
            if (bodyValues.containsKey(name)) {
                throw new IllegalArgumentException(page.getClass().getSimpleName() + " value " + name + " hides the site's");
            }
            bodyValues.put(name, localized(value, bundle));
        });

        Map<String, Object> layout = new HashMap<>(site);
        layout.put("title", content.title().in(bundle));
        layout.put("body", content.template().render(bodyValues, texts));
        layout.put("navigation", frame.navigation());
        layout.put("user", frame.user().orElse(null));
        layout.put("passwordOnly", frame.passwordOnly());
        layout.put("grace", frame.grace().map(text -> text.in(bundle)).orElse(null));
        layout.put("editTwoFactorHref", frame.user().map(user -> Paths.editTwoFactor(contextPath, user)).orElse(null));
        return LAYOUT.render(layout, texts);
    }

    /** {@code value} with every {@link Text} and {@link Localized} in it, at any depth, in the bundle's language. */
    static Object localized(Object value, ResourceBundle bundle) {
        if (value instanceof Text text) {
            return text.in(bundle);
        }
        if (value instanceof Localized localized) {
            return localized(localized.in(bundle), bundle);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> written = new HashMap<>();
            map.forEach((name, inner) -> written.put(name, localized(inner, bundle)));
            return written;
        }
        if (value instanceof List<?> list) {
            List<Object> written = new ArrayList<>(list.size());
            list.forEach(inner -> written.add(localized(inner, bundle)));
            return written;
        }
        return value;
    }

    private static void send(HttpServletResponse response, int status, SafeHtml document) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().append(document.html());
    }
}
