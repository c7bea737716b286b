package dev.totpguard.internal.web;

import dev.totpguard.internal.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The application's look on the built-in pages of the filter and of the Jakarta Authentication module: its product
 * name, a logo and a style sheet, and the page the name links to. The logo, the style sheet and the link are paths
 * in the application (the context path is put before them when a page is rendered), so they are always same-origin:
 * the pages' Content-Security-Policy then allows {@code 'self'} for images or styles, exactly when a logo or a style
 * sheet is set ({@link PageLayout#contentSecurityPolicy(String, Branding)}), and nothing else. Immutable and
 * thread-safe.
 *
 * @param name the product name in the header and the title, plain text (escaped when rendered), or {@code null}
 * @param logo the path of the logo image, or {@code null}; needs a {@code name}, which is its text alternative
 * @param stylesheet the path of a style sheet applied after the built-in one, or {@code null}
 * @param home the path the name and logo link to, or {@code null} for no link; needs a {@code name}
 */
public record Branding(String name, String logo, String stylesheet, String home) {

    private static final int MAX_NAME_LENGTH = 100;

    /** The expected form of the three paths, for messages. */
    public static final String PATH_FORM = "a path in the application such as /static/logo.svg: exactly one leading"
            + " '/', no scheme or host, no '//', '\\', spaces or control characters";
    /** The expected form of the name, for messages. */
    public static final String NAME_FORM = "a product name of at most " + MAX_NAME_LENGTH
            + " characters without control characters";

    /**
     * One leading slash, then only the characters of an RFC 3986 path, query and fragment: no second slash right
     * after it (a network-path reference such as {@code //evil.example} leaves the origin), no backslash (which
     * browsers read as a slash), no space or control character (which they strip, so {@code /\t/evil} is {@code
     * //evil}).
     */
    private static final Pattern SAME_ORIGIN_PATH = Pattern.compile("/(?![/\\\\])[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*");

    private static final Branding NONE = new Branding(null, null, null, null);

    /**
     * @throws IllegalArgumentException if a path is not {@link #PATH_FORM}, the name not {@link #NAME_FORM}, or a
     *     logo or home link has no name
     */
    public Branding {
        if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("The product name must be " + NAME_FORM);
        }
        requirePath(logo, "logo");
        requirePath(stylesheet, "style sheet");
        requirePath(home, "home link");
        if ((logo != null || home != null) && name == null) {
            throw new IllegalArgumentException("A logo or home link needs the product name, the header's text");
        }
    }

    /** The built-in look: no header, TOTP Guard's texts and style sheet only. */
    public static Branding none() {
        return NONE;
    }

    /**
     * The branding set by four keys of {@code settings}, over {@code defaults} (each key that is set wins).
     *
     * @throws IllegalArgumentException in the settings' one format, naming the key, of the first bad value, or of a
     *     logo or home link without a name
     */
    public static Branding read(Settings settings, Branding defaults, String nameKey, String logoKey,
            String stylesheetKey, String homeKey) {
        String name = settings.parsed(nameKey, NAME_FORM, value -> new Branding(value, null, null, null).name())
                .orElse(defaults.name());
        String logo = settings.parsed(logoKey, PATH_FORM, Branding::path).orElse(defaults.logo());
        String stylesheet = settings.parsed(stylesheetKey, PATH_FORM, Branding::path).orElse(defaults.stylesheet());
        String home = settings.parsed(homeKey, PATH_FORM, Branding::path).orElse(defaults.home());
        if ((logo != null || home != null) && name == null) {
            throw settings.invalid(nameKey, "a product name, the header's text (and the logo's text alternative) that "
                    + logoKey + " and " + homeKey + " need");
        }
        return new Branding(name, logo, stylesheet, home);
    }

    /**
     * {@code value} if it is {@link #PATH_FORM}.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String path(String value) {
        if (!isSameOriginPath(value)) {
            throw new IllegalArgumentException("Not " + PATH_FORM);
        }
        return value;
    }

    /** Whether {@code value} is {@link #PATH_FORM}. */
    public static boolean isSameOriginPath(String value) {
        return value != null && SAME_ORIGIN_PATH.matcher(value).matches() && !value.contains("//");
    }

    /** The layout's values: {@code brand} (the header, or {@code null}) and {@code stylesheet} (or {@code null}). */
    Map<String, Object> values(String contextPath) {
        Map<String, Object> values = new HashMap<>();
        if (name != null) {
            Map<String, Object> header = new HashMap<>();
            header.put("name", name);
            header.put("logo", logo == null ? null : contextPath + logo);
            header.put("home", home == null ? null : contextPath + home);
            values.put("brand", header);
        } else {
            values.put("brand", null);
        }
        values.put("stylesheet", stylesheet == null ? null : contextPath + stylesheet);
        return values;
    }

    private static void requirePath(String value, String what) {
        if (value != null && !isSameOriginPath(value)) {
            throw new IllegalArgumentException("The " + what + " must be " + PATH_FORM + ": " + value.strip()
                    .replaceAll("\\p{Cntrl}", "?"));
        }
    }
}
