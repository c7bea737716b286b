package dev.totpguard.filter;

import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.internal.web.PageLayout;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * Renders the filter's pages from templates that escape every value ({@code pages/<kind>.html} in core's
 * {@code internal.web}, shared with the Spring Security module, framed by core's {@link PageLayout} with its style
 * sheet), texts from a {@link ResourceBundle} ({@link Messages}, English by default, chosen by the request's
 * {@code Accept-Language} among {@code totpguard.filter.locales}), labelled form fields, and the same protective
 * headers on every page (see {@link PageLayout}; the QR code is an inline {@code data:} PNG, so no third party ever
 * sees the secret).
 *
 * <p>When the settings name an application path for a page ({@code totpguard.filter.page.<kind>}), the
 * page is not rendered here: the request is forwarded to that path with the page's data in request
 * attributes whose names start with {@code totpguard.} (see the module README). Thread-safe.
 */
final class Pages {

    /** The form field with the typed code; its value is never echoed back into a page. */
    static final String CODE_PARAMETER = "code";
    /** The token form's checkbox "trust this browser"; {@code on} when ticked. */
    static final String TRUST_PARAMETER = dev.totpguard.internal.web.TrustedBrowserCookies.TRUST_PARAMETER;
    /** The settings page's field naming one trusted browser to forget, by its public id. */
    static final String BROWSER_PARAMETER = dev.totpguard.internal.web.TrustedBrowserCookies.BROWSER_PARAMETER;
    /** The settings page's field naming one authenticator to remove, by its public id. */
    static final String AUTHENTICATOR_PARAMETER = "authenticator";
    /** The settings page's field with the label of an authenticator to add ("iPhone"). */
    static final String LABEL_PARAMETER = "label";

    private static final String ATTRIBUTE_PREFIX = "totpguard.";

    private static final Map<PageKind, Template> BODIES = bodies();
    private static final Template CSRF_FIELDS = Template.load(PageLayout.class, "pages/csrf-fields.html");
    private static final Template CODE_FIELD = Template.load(PageLayout.class, "pages/code-field.html");
    private static final Template FOOTER = Template.load(PageLayout.class, "pages/footer.html");

    private final FilterSettings settings;
    private final Messages messages;
    private final SecureRandom random;
    private final String renderingAttribute;
    private final Object renderingToken;

    /**
     * @param renderingAttribute the request attribute that marks the filter's own forward to an
     *     application page, so that the filter lets that one dispatch through
     * @param renderingToken the unforgeable object that a {@link Rendering} in that attribute must carry
     */
    Pages(FilterSettings settings, SecureRandom random, String renderingAttribute, Object renderingToken) {
        this.settings = settings;
        this.messages = new Messages(settings.messagesBundle(), settings.locales());
        this.random = random;
        this.renderingAttribute = renderingAttribute;
        this.renderingToken = renderingToken;
    }

    /**
     * What every page needs to know about the request beyond the page itself.
     *
     * @param pagesUrl the context path and the pages path, e.g. {@code /app/totpguard}
     */
    record Context(String user, String csrfToken, HostCsrfToken hostCsrf, int digits, int periodSeconds,
            String algorithm, String pagesUrl) {

        /** The full URL path of one of the filter's pages or actions. */
        String url(Route route) {
            return pagesUrl + route.path();
        }

        /** Hides the token. */
        @Override
        public String toString() {
            return "Pages.Context[" + user + "]";
        }
    }

    /** The full URL path (context path included) of one of the filter's pages or actions. */
    String url(HttpServletRequest request, Route route) {
        return pagesUrl(request) + route.path();
    }

    String pagesUrl(HttpServletRequest request) {
        return request.getContextPath() + settings.pagesPath();
    }

    /** The headers every page and redirect of the filter carries. */
    static void protectiveHeaders(HttpServletResponse response) {
        PageLayout.protectiveHeaders().forEach(response::setHeader);
    }

    void render(HttpServletRequest request, HttpServletResponse response, Page page, Context context)
            throws IOException, ServletException {
        if (response.isCommitted()) {
            // Part of another response is already on its way (an error page after output): add nothing to it.
            return;
        }
        ResourceBundle bundle = bundle(request);
        String nonce = PageLayout.newNonce(random);
        Page.Reply reply = page.reply();
        response.resetBuffer();
        protectiveHeaders(response);
        String override = settings.pageOverride(page.kind());
        // A replacement page is the application's own markup: the branding's sources are allowed on built-in pages only.
        response.setHeader("Content-Security-Policy", PageLayout.contentSecurityPolicy(nonce,
                override == null ? settings.branding() : Branding.none()));
        response.setStatus(reply.status());
        if (reply.retryAfter() != null) {
            response.setHeader("Retry-After", Long.toString(Messages.ceilSeconds(reply.retryAfter())));
        }
        if (override != null) {
            forward(request, response, override, page, context, bundle, nonce);
            return;
        }
        response.setContentType("text/html;charset=UTF-8");
        String html = html(page, context, bundle, nonce, request.getContextPath());
        PrintWriter writer = response.getWriter();
        writer.write(html);
        writer.flush();
    }

    private void forward(HttpServletRequest request, HttpServletResponse response, String path, Page page,
            Context context, ResourceBundle bundle, String nonce) throws IOException, ServletException {
        Map<String, String> urls = new LinkedHashMap<>();
        for (Route route : Route.values()) {
            urls.put(route.path().substring(1), context.url(route));
        }
        Page.Reply reply = page.reply();
        set(request, "page", page.kind().key());
        set(request, "status", reply.status());
        set(request, "title", Messages.text(bundle, page.titleKey()));
        set(request, "message", message(bundle, reply));
        set(request, "messages", bundle);
        set(request, "urls", urls);
        set(request, "user", context.user());
        set(request, "csrf.parameter", CsrfProtection.PARAMETER);
        set(request, "csrf.token", context.csrfToken());
        set(request, "code.parameter", CODE_PARAMETER);
        set(request, "digits", context.digits());
        set(request, "cspNonce", nonce);
        set(request, "retryAfterSeconds", reply.retryAfter() == null ? null : Messages.ceilSeconds(reply.retryAfter()));
        // Every page's names are set, to nothing where this page has no such data, so a replacement page that
        // serves several kinds never reads a stale value.
        Map<String, Object> data = new HashMap<>();
        data.put("qrDataUri", null);
        data.put("otpauthUri", null);
        data.put("key", null);
        data.put("issuer", null);
        data.put("account", null);
        data.put("recoveryCodes", List.of());
        data.put("continueUrl", null);
        data.put("active", false);
        data.put("recoveryCodesLeft", 0);
        data.put("disableAllowed", false);
        data.put("trustedBrowserDays", 0);
        data.put("trustedBrowsers", List.of());
        data.putAll(page.attributes());
        data.forEach((name, value) -> set(request, name, value));
        RequestDispatcher dispatcher = request.getRequestDispatcher(path);
        if (dispatcher == null) {
            throw new ServletException("No dispatcher for the page " + path + " set by "
                    + FilterSettings.PAGE_PREFIX + page.kind().key());
        }
        request.setAttribute(renderingAttribute, new Rendering(renderingToken, path));
        try {
            dispatcher.forward(request, response);
        } finally {
            request.removeAttribute(renderingAttribute);
        }
    }

    /**
     * The value of the rendering attribute during the filter's forward to a replacement page: it lets through
     * exactly one dispatch, the FORWARD to {@code path}, and only once (the filter removes it when it sees it).
     * A nested include or forward from within the replacement page (a layout that includes a fragment, a
     * controller that forwards on) is judged like any other dispatch, so a page that reaches into a protected
     * path while a password-only user looks at it shows nothing of it. Immutable.
     */
    static final class Rendering {
        private final Object token;
        private final String path;

        Rendering(Object token, String path) {
            this.token = token;
            int query = path.indexOf('?');
            // The container matches the forward on the path alone; a query string is not part of it.
            this.path = query < 0 ? path : path.substring(0, query);
        }

        /**
         * Whether this is {@code token}'s marker and the dispatch the filter sees is the forward it was set for:
         * type FORWARD, and {@code servletPath + pathInfo} the configured page's path.
         */
        boolean admits(Object token, DispatcherType type, String servletPath, String pathInfo) {
            if (this.token != token || type != DispatcherType.FORWARD) {
                return false;
            }
            int split = servletPath.length();
            return pathInfo == null ? path.equals(servletPath)
                    : path.length() == split + pathInfo.length() && path.startsWith(servletPath)
                            && path.startsWith(pathInfo, split);
        }
    }

    private static void set(HttpServletRequest request, String name, Object value) {
        request.setAttribute(ATTRIBUTE_PREFIX + name, value);
    }

    /** The page's markup (package-private for the markup tests). */
    String html(Page page, Context context, ResourceBundle bundle, String nonce, String contextPath) {
        Map<String, String> texts = Messages.texts(bundle);
        Map<String, Object> values = new HashMap<>();
        for (Route route : Route.values()) {
            values.put("url" + route.path().replace('/', '.'), context.url(route));
        }
        values.put("nonce", nonce);
        values.put("codeParameter", CODE_PARAMETER);
        values.put("codeMaxLength", 2 * context.digits() - 1);
        values.put("csrfFields", context.csrfToken() == null ? null : csrfFields(context));
        String message = message(bundle, page.reply());
        // On a page with a code field, what was wrong with the code is said at the field, not above the page (on the
        // settings page, at the field of the form that was refused: Page.Manage puts it there).
        String fieldError = message != null && isError(page) && hasCodeField(page) ? message : null;
        boolean saidAtAField = fieldError != null || page instanceof Page.Manage manage && manage.refused() != null;
        values.put("fieldError", fieldError);
        Map<String, Object> codeField = new HashMap<>();
        codeField.put("codeParameter", CODE_PARAMETER);
        codeField.put("codeMaxLength", 2 * context.digits() - 1);
        codeField.put("codeHint", Messages.text(bundle, "field.code.hint", context.digits(), context.periodSeconds()));
        codeField.put("fieldError", fieldError);
        values.put("codeField", CODE_FIELD.render(codeField, texts));
        values.putAll(page.values(bundle, context));
        SafeHtml body = BODIES.get(page.kind()).render(values, texts);
        SafeHtml footer = null;
        if (context.user() != null) {
            values.put("signedInAs", Messages.text(bundle, "signed.in.as", context.user()));
            footer = FOOTER.render(values, texts);
        }
        PageLayout.Notice notice = message == null || saidAtAField ? null : new PageLayout.Notice(message, isError(page));
        return PageLayout.render(bundle, settings.branding(), contextPath, Messages.text(bundle, page.titleKey()), notice,
                body, footer).html();
    }

    /** The pages whose form asks for a code: token, recovery code, enrollment. */
    private static boolean hasCodeField(Page page) {
        return page.kind() == PageKind.TOKEN || page.kind() == PageKind.RECOVERY || page.kind() == PageKind.ENROLL;
    }

    /** A wrong code on a form is an error as much as a refused request is. */
    private static boolean isError(Page page) {
        return page.reply().status() >= 400 || hasCodeField(page);
    }

    private static SafeHtml csrfFields(Context context) {
        Map<String, Object> values = new HashMap<>();
        values.put("csrfParameter", CsrfProtection.PARAMETER);
        values.put("csrfToken", context.csrfToken());
        values.put("hostCsrf", context.hostCsrf() == null ? null
                : Map.of("parameterName", context.hostCsrf().parameterName(), "token", context.hostCsrf().token()));
        return CSRF_FIELDS.render(values);
    }

    private static String message(ResourceBundle bundle, Page.Reply reply) {
        return reply.messageKey() == null ? null
                : Messages.text(bundle, reply.messageKey(), reply.messageArgs().toArray());
    }

    ResourceBundle bundle(HttpServletRequest request) {
        return messages.bundle(request.getHeader("Accept-Language"));
    }

    /** The configured language that best matches an {@code Accept-Language} header (see {@link Messages#locale}). */
    Locale locale(String acceptLanguage) {
        return messages.locale(acceptLanguage);
    }

    private static Map<PageKind, Template> bodies() {
        Map<PageKind, Template> bodies = new EnumMap<>(PageKind.class);
        for (PageKind kind : PageKind.values()) {
            bodies.put(kind, Template.load(PageLayout.class, "pages/" + kind.key() + ".html"));
        }
        return bodies;
    }
}
