package dev.totpguard.filter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Renders the filter's pages: plain Java string building, every dynamic value HTML-escaped, texts from a
 * {@link ResourceBundle} (English by default, chosen by the request's locale), labelled form fields, and
 * the same protective headers on every page ({@code Cache-Control: no-store}, {@code Referrer-Policy:
 * no-referrer} and a Content-Security-Policy with {@code default-src 'none'} and {@code frame-ancestors
 * 'none'}; the QR code is an inline {@code data:} PNG, so no third party ever sees the secret).
 *
 * <p>When the settings name an application path for a page ({@code totpguard.filter.page.<kind>}), the
 * page is not rendered here: the request is forwarded to that path with the page's data in request
 * attributes whose names start with {@code totpguard.} (see the module README). Thread-safe.
 */
final class Pages {

    /** Longer {@code Accept-Language} headers are not parsed; browsers send well under 200 characters. */
    private static final int MAX_ACCEPT_LANGUAGE = 512;

    static final String TOKEN = "/token";
    static final String VERIFY = "/verify";
    static final String RECOVERY = "/recovery";
    static final String RECOVER = "/recover";
    static final String ENROLL = "/enroll";
    static final String CONFIRM = "/confirm";
    static final String MANAGE = "/manage";
    static final String REENROLL = "/reenroll";
    static final String REGENERATE = "/regenerate";
    static final String DISABLE = "/disable";
    static final String LOGOUT = "/logout";

    /** The form field with the typed code; its value is never echoed back into a page. */
    static final String CODE_PARAMETER = "code";

    private static final String ATTRIBUTE_PREFIX = "totpguard.";

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2329}"
            + "main{max-width:34rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;"
            + "box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}"
            + "label{display:block;font-weight:600;margin:1rem 0 .3rem}"
            + "input[type=text]{font-size:1.3rem;padding:.4rem;width:12rem;letter-spacing:.1em}"
            + "button{font-size:1rem;padding:.5rem 1.2rem;margin-top:1rem;cursor:pointer}"
            + "button.link{background:none;border:none;padding:0;color:#0b57d0;text-decoration:underline}"
            + ".hint{color:#555;font-size:.9rem;margin:.3rem 0}.error{color:#b00020;font-weight:600}"
            + ".key,.codes{font-family:ui-monospace,monospace;font-size:1.1rem}"
            + ".codes{background:#f0f2f5;padding:1rem;white-space:pre}"
            + "section{border-top:1px solid #ddd;margin-top:1.5rem}footer{margin-top:2rem;font-size:.9rem}"
            + "dt{font-weight:600}dd{margin:0 0 .5rem 0}";

    private final FilterSettings settings;
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
        this.random = random;
        this.renderingAttribute = renderingAttribute;
        this.renderingToken = renderingToken;
    }

    /** What every page needs to know about the request beyond the page itself. */
    record Context(String user, String csrfToken, HostCsrfToken hostCsrf, int digits, int periodSeconds,
            String algorithm) {
    }

    /** The full URL path (context path included) of one of the filter's pages or actions. */
    String url(HttpServletRequest request, String page) {
        return request.getContextPath() + settings.pagesPath() + page;
    }

    /** The headers every page and redirect of the filter carries. */
    static void protectiveHeaders(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
    }

    void render(HttpServletRequest request, HttpServletResponse response, Page page, Context context)
            throws IOException, ServletException {
        if (response.isCommitted()) {
            // Part of another response is already on its way (an error page after output): add nothing to it.
            return;
        }
        ResourceBundle bundle = bundle(request);
        String nonce = nonce();
        response.resetBuffer();
        protectiveHeaders(response);
        response.setHeader("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'nonce-"
                + nonce + "'; script-src 'nonce-" + nonce + "'; form-action 'self'; base-uri 'none';"
                + " frame-ancestors 'none'");
        response.setStatus(page.status());
        if (page.retryAfter() != null) {
            response.setHeader("Retry-After", Long.toString(ceilSeconds(page.retryAfter())));
        }
        String override = settings.pageOverride(page.kind());
        if (override != null) {
            forward(request, response, override, page, context, bundle, nonce);
            return;
        }
        response.setContentType("text/html;charset=UTF-8");
        String html = html(request, page, context, bundle, nonce);
        PrintWriter writer = response.getWriter();
        writer.write(html);
        writer.flush();
    }

    private void forward(HttpServletRequest request, HttpServletResponse response, String path, Page page,
            Context context, ResourceBundle bundle, String nonce) throws IOException, ServletException {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String name : new String[] {TOKEN, VERIFY, RECOVERY, RECOVER, ENROLL, CONFIRM, MANAGE, REENROLL,
                REGENERATE, DISABLE, LOGOUT}) {
            urls.put(name.substring(1), url(request, name));
        }
        set(request, "page", page.kind().key());
        set(request, "status", page.status());
        set(request, "title", text(bundle, titleKey(page)));
        set(request, "message", page.messageKey() == null ? null : message(bundle, page));
        set(request, "messages", bundle);
        set(request, "urls", urls);
        set(request, "user", context.user());
        set(request, "csrf.parameter", CsrfProtection.PARAMETER);
        set(request, "csrf.token", context.csrfToken());
        set(request, "code.parameter", CODE_PARAMETER);
        set(request, "digits", context.digits());
        set(request, "cspNonce", nonce);
        set(request, "retryAfterSeconds", page.retryAfter() == null ? null : ceilSeconds(page.retryAfter()));
        set(request, "qrDataUri", page.qrDataUri());
        set(request, "key", page.groupedKey());
        set(request, "issuer", page.issuer());
        set(request, "account", page.account());
        set(request, "recoveryCodes", page.recoveryCodes());
        set(request, "continueUrl", page.continueUrl());
        set(request, "active", page.active());
        set(request, "recoveryCodesLeft", page.recoveryCodesLeft());
        set(request, "disableAllowed", page.disableAllowed());
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

    private String html(HttpServletRequest request, Page page, Context context, ResourceBundle bundle,
            String nonce) {
        StringBuilder out = new StringBuilder(4096);
        String title = text(bundle, titleKey(page));
        out.append("<!DOCTYPE html>\n<html lang=\"").append(Html.escape(text(bundle, "lang"))).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<title>").append(Html.escape(title)).append(" - ")
                .append(Html.escape(text(bundle, "app.name"))).append("</title>\n")
                .append("<style nonce=\"").append(nonce).append("\">").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<main>\n<h1>").append(Html.escape(title)).append("</h1>\n");
        if (page.messageKey() != null) {
            boolean error = page.status() >= 400 || page.kind() == PageKind.TOKEN
                    || page.kind() == PageKind.RECOVERY || page.kind() == PageKind.ENROLL;
            out.append("<p").append(error ? " class=\"error\" role=\"alert\"" : " role=\"status\"").append('>')
                    .append(Html.escape(message(bundle, page))).append("</p>\n");
        }
        switch (page.kind()) {
            case TOKEN:
                token(out, request, context, bundle);
                break;
            case RECOVERY:
                recovery(out, request, context, bundle);
                break;
            case ENROLL:
                enroll(out, request, page, context, bundle);
                break;
            case CODES:
                codes(out, page, bundle, nonce);
                break;
            case MANAGE:
                manage(out, request, page, context, bundle);
                break;
            case UNAVAILABLE:
                out.append("<p>").append(Html.escape(text(bundle, "unavailable.text"))).append("</p>\n");
                break;
            case MESSAGE:
                break;
            default:
                throw new AssertionError("unknown page " + page.kind());
        }
        footer(out, request, context, bundle);
        out.append("</main>\n</body>\n</html>\n");
        return out.toString();
    }

    private void token(StringBuilder out, HttpServletRequest request, Context context, ResourceBundle bundle) {
        out.append("<p>").append(Html.escape(text(bundle, "token.intro"))).append("</p>\n");
        formStart(out, url(request, VERIFY), context);
        codeField(out, context, bundle);
        out.append("<button type=\"submit\">").append(Html.escape(text(bundle, "token.submit")))
                .append("</button>\n</form>\n");
        out.append("<p><a href=\"").append(Html.escape(url(request, RECOVERY))).append("\">")
                .append(Html.escape(text(bundle, "token.use.recovery"))).append("</a></p>\n");
    }

    private void recovery(StringBuilder out, HttpServletRequest request, Context context, ResourceBundle bundle) {
        out.append("<p>").append(Html.escape(text(bundle, "recovery.intro"))).append("</p>\n");
        formStart(out, url(request, RECOVER), context);
        out.append("<label for=\"recovery-code\">").append(Html.escape(text(bundle, "recovery.field")))
                .append("</label>\n")
                .append("<input id=\"recovery-code\" name=\"").append(CODE_PARAMETER).append("\" type=\"text\"")
                .append(" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"32\"")
                .append(" required autofocus aria-describedby=\"recovery-hint\">\n")
                .append("<p id=\"recovery-hint\" class=\"hint\">").append(Html.escape(text(bundle, "recovery.hint")))
                .append("</p>\n")
                .append("<button type=\"submit\">").append(Html.escape(text(bundle, "recovery.submit")))
                .append("</button>\n</form>\n");
        out.append("<p><a href=\"").append(Html.escape(url(request, TOKEN))).append("\">")
                .append(Html.escape(text(bundle, "recovery.use.app"))).append("</a></p>\n");
    }

    private void enroll(StringBuilder out, HttpServletRequest request, Page page, Context context,
            ResourceBundle bundle) {
        out.append("<p>").append(Html.escape(text(bundle, "enroll.intro"))).append("</p>\n<ol>\n")
                .append("<li><p>").append(Html.escape(text(bundle, "enroll.step.app"))).append("</p></li>\n")
                .append("<li><p>").append(Html.escape(text(bundle, "enroll.step.scan"))).append("</p>\n")
                .append("<img src=\"").append(Html.escape(page.qrDataUri())).append("\" width=\"250\" height=\"250\"")
                .append(" alt=\"").append(Html.escape(text(bundle, "enroll.qr.alt", page.issuer(), page.account())))
                .append("\"></li>\n")
                .append("<li><p>").append(Html.escape(text(bundle, "enroll.step.manual"))).append("</p>\n<dl>\n")
                .append("<dt>").append(Html.escape(text(bundle, "enroll.key"))).append("</dt><dd class=\"key\" id=\"key\">")
                .append(Html.escape(page.groupedKey())).append("</dd>\n")
                .append("<dt>").append(Html.escape(text(bundle, "enroll.issuer"))).append("</dt><dd id=\"issuer\">")
                .append(Html.escape(page.issuer())).append("</dd>\n")
                .append("<dt>").append(Html.escape(text(bundle, "enroll.account"))).append("</dt><dd id=\"account\">")
                .append(Html.escape(page.account())).append("</dd>\n")
                .append("<dt>").append(Html.escape(text(bundle, "enroll.type"))).append("</dt><dd>")
                .append(Html.escape(text(bundle, "enroll.type.value", context.digits(), context.periodSeconds(),
                        context.algorithm())))
                .append("</dd>\n</dl></li>\n")
                .append("<li><p>").append(Html.escape(text(bundle, "enroll.step.code"))).append("</p></li>\n</ol>\n");
        formStart(out, url(request, CONFIRM), context);
        codeField(out, context, bundle);
        out.append("<button type=\"submit\">").append(Html.escape(text(bundle, "enroll.submit")))
                .append("</button>\n</form>\n");
    }

    private void codes(StringBuilder out, Page page, ResourceBundle bundle, String nonce) {
        out.append("<p>").append(Html.escape(text(bundle, "codes.intro"))).append("</p>\n");
        StringBuilder file = new StringBuilder();
        if (page.issuer() != null) {
            file.append(text(bundle, "codes.file.heading", page.issuer(), page.account())).append("\r\n\r\n");
        }
        out.append("<pre class=\"codes\" id=\"recovery-codes\" aria-label=\"")
                .append(Html.escape(text(bundle, "codes.title"))).append("\">");
        for (String code : page.recoveryCodes()) {
            out.append(Html.escape(code)).append('\n');
            file.append(code).append("\r\n");
        }
        out.append("</pre>\n<p><button type=\"button\" id=\"copy-codes\">")
                .append(Html.escape(text(bundle, "codes.copy"))).append("</button> ")
                .append("<span id=\"copy-status\" role=\"status\"></span> ")
                .append("<a download=\"recovery-codes.txt\" href=\"data:text/plain;charset=utf-8,")
                .append(Html.escape(URLEncoder.encode(file.toString(), StandardCharsets.UTF_8).replace("+", "%20")))
                .append("\">").append(Html.escape(text(bundle, "codes.download"))).append("</a></p>\n");
        if (page.continueUrl() != null) {
            out.append("<p><a href=\"").append(Html.escape(page.continueUrl())).append("\">")
                    .append(Html.escape(text(bundle, "codes.continue"))).append("</a></p>\n");
        }
        // The only script on any page: copies the codes on click. It is allowed by this response's nonce.
        out.append("<script nonce=\"").append(nonce).append("\">")
                .append("document.getElementById('copy-codes').addEventListener('click',function(){")
                .append("navigator.clipboard.writeText(document.getElementById('recovery-codes').textContent)")
                .append(".then(function(){document.getElementById('copy-status').textContent='")
                .append(jsString(text(bundle, "codes.copied"))).append("';});});</script>\n");
    }

    private void manage(StringBuilder out, HttpServletRequest request, Page page, Context context,
            ResourceBundle bundle) {
        if (!page.active()) {
            out.append("<p>").append(Html.escape(text(bundle, "manage.inactive"))).append("</p>\n")
                    .append("<p><a href=\"").append(Html.escape(url(request, ENROLL))).append("\">")
                    .append(Html.escape(text(bundle, "manage.enroll"))).append("</a></p>\n");
            return;
        }
        out.append("<p>").append(Html.escape(text(bundle, "manage.active", page.recoveryCodesLeft())))
                .append("</p>\n<p>").append(Html.escape(text(bundle, "manage.code.needed"))).append("</p>\n");
        manageSection(out, request, context, bundle, "reenroll", REENROLL, null);
        manageSection(out, request, context, bundle, "regenerate", REGENERATE, "manage.regenerate.note");
        if (page.disableAllowed()) {
            manageSection(out, request, context, bundle, "disable", DISABLE, null);
        } else {
            out.append("<section><p>").append(Html.escape(text(bundle, "manage.required"))).append("</p></section>\n");
        }
    }

    private void manageSection(StringBuilder out, HttpServletRequest request, Context context,
            ResourceBundle bundle, String name, String action, String noteKey) {
        String id = "code-" + name;
        out.append("<section aria-labelledby=\"").append(name).append("-title\">\n<h2 id=\"").append(name)
                .append("-title\">").append(Html.escape(text(bundle, "manage." + name + ".title"))).append("</h2>\n");
        if (noteKey != null) {
            out.append("<p>").append(Html.escape(text(bundle, noteKey))).append("</p>\n");
        }
        formStart(out, url(request, action), context);
        out.append("<label for=\"").append(id).append("\">").append(Html.escape(text(bundle, "field.code")))
                .append("</label>\n");
        codeInput(out, id, context, false);
        out.append("<button type=\"submit\">").append(Html.escape(text(bundle, "manage." + name + ".submit")))
                .append("</button>\n</form>\n</section>\n");
    }

    private void footer(StringBuilder out, HttpServletRequest request, Context context, ResourceBundle bundle) {
        if (context.user() == null) {
            return;
        }
        out.append("<footer>\n<p>").append(Html.escape(text(bundle, "signed.in.as", context.user()))).append("</p>\n");
        if (context.csrfToken() != null) {
            formStart(out, url(request, LOGOUT), context);
            out.append("<button type=\"submit\" class=\"link\">").append(Html.escape(text(bundle, "sign.out")))
                    .append("</button>\n</form>\n");
        }
        out.append("</footer>\n");
    }

    private static void formStart(StringBuilder out, String action, Context context) {
        out.append("<form method=\"post\" action=\"").append(Html.escape(action)).append("\">\n")
                .append("<input type=\"hidden\" name=\"").append(CsrfProtection.PARAMETER).append("\" value=\"")
                .append(Html.escape(context.csrfToken())).append("\">\n");
        if (context.hostCsrf() != null) {
            // The host framework's CSRF filter (Spring Security's CsrfFilter) sees this POST before the filter does
            // and refuses it without its own token.
            out.append("<input type=\"hidden\" name=\"").append(Html.escape(context.hostCsrf().parameterName()))
                    .append("\" value=\"").append(Html.escape(context.hostCsrf().token())).append("\">\n");
        }
    }

    private void codeField(StringBuilder out, Context context, ResourceBundle bundle) {
        out.append("<label for=\"code\">").append(Html.escape(text(bundle, "field.code"))).append("</label>\n");
        codeInput(out, "code", context, true);
        out.append("<p id=\"code-hint\" class=\"hint\">")
                .append(Html.escape(text(bundle, "field.code.hint", context.digits(), context.periodSeconds())))
                .append("</p>\n");
    }

    private static void codeInput(StringBuilder out, String id, Context context, boolean main) {
        out.append("<input id=\"").append(id).append("\" name=\"").append(CODE_PARAMETER).append("\" type=\"text\"")
                .append(" autocomplete=\"one-time-code\" inputmode=\"numeric\" pattern=\"[0-9 ]*\"")
                .append(" maxlength=\"").append(2 * context.digits() - 1).append("\" required");
        if (main) {
            out.append(" autofocus aria-describedby=\"code-hint\"");
        }
        out.append(">\n");
    }

    private static String titleKey(Page page) {
        if (page.titleKey() != null) {
            return page.titleKey();
        }
        return page.kind().key() + ".title";
    }

    private String message(ResourceBundle bundle, Page page) {
        Object[] args = page.messageArgs();
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Duration) {
                args[i] = duration(bundle, (Duration) args[i]);
            }
        }
        return text(bundle, page.messageKey(), args);
    }

    /** "45 seconds", "2 minutes", "1 hour": rounded up, so the user never retries too early. */
    static String duration(ResourceBundle bundle, Duration duration) {
        long seconds = ceilSeconds(duration);
        if (seconds < 60) {
            return text(bundle, "duration.seconds", Math.max(1, seconds));
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 120) {
            return text(bundle, "duration.minutes", minutes);
        }
        return text(bundle, "duration.hours", (minutes + 59) / 60);
    }

    private static long ceilSeconds(Duration duration) {
        return duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    }

    static String text(ResourceBundle bundle, String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            // A translation that lacks a key must not break the page; fall back to the key itself.
            pattern = key;
        }
        return new MessageFormat(pattern, bundle.getLocale()).format(args);
    }

    ResourceBundle bundle(HttpServletRequest request) {
        Locale locale = locale(request.getHeader("Accept-Language"));
        ResourceBundle.Control control = ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            try {
                return ResourceBundle.getBundle(settings.messagesBundle(), locale, loader, control);
            } catch (MissingResourceException e) {
                // fall through to the filter's own class loader
            }
        }
        return ResourceBundle.getBundle(settings.messagesBundle(), locale, Pages.class.getClassLoader(), control);
    }

    /**
     * The configured language ({@code totpguard.filter.locales}) that best matches an {@code Accept-Language} header,
     * else the first configured one. Only configured locales ever come out, so the JDK's bundle cache, which keeps
     * an entry per locale asked for, cannot grow with the tags clients send (when the request's own locale was used,
     * 60,000 distinct tags kept 28.5 MiB, about 500 B per tag, through full collections: BENCHMARKS.md, "Memory after
     * the Accept-Language attack"). The header is matched as text: the container's
     * {@code getLocale()}, which builds and caches a {@code Locale} per tag, is never called.
     */
    Locale locale(String acceptLanguage) {
        List<Locale> locales = settings.locales();
        if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > MAX_ACCEPT_LANGUAGE) {
            return locales.get(0);
        }
        try {
            Locale match = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage), locales);
            return match != null ? match : locales.get(0);
        } catch (IllegalArgumentException malformed) {
            return locales.get(0);
        }
    }

    private String nonce() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String jsString(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '.') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
