package dev.totpguard.filter;

import dev.totpguard.internal.web.Branding;
import dev.totpguard.internal.web.TrustedProxies;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The filter's own settings: the {@code totpguard.filter.*} keys, read through {@link Settings} (servlet init-params
 * over context parameters, Spring Boot properties), or given to {@link TotpFilter.Builder} as typed values. The
 * defaults are written once, in {@link Builder}. Immutable and thread-safe.
 *
 * @param maxAge how long a verified session lasts before the next code; {@link Duration#ZERO} (only if set so) for ever
 * @param locales the languages of the pages, the first the default; never empty
 * @param userResolverClass {@code null} for the default, {@code getRemoteUser()}
 * @param pageOverrides the application paths that replace built-in pages
 * @param after the names of the filters that sign users in and that the filter must follow; empty: it runs first
 * @param trustedProxies the proxies whose forwarding headers give the client address for the per-address limits
 * @param branding the application's name, logo and style sheet on the built-in pages
 */
record FilterSettings(PathPatterns protectedPaths, PathPatterns exemptPaths, PathPatterns stepUpPaths,
        Duration stepUpMaxAge, String pagesPath, String defaultTarget, String loginPath, String logoutTarget,
        Duration halfAuthTimeout, Duration maxAge, String messagesBundle, List<Locale> locales, String userResolverClass,
        String accountResolverClass, Map<PageKind, String> pageOverrides, List<String> after,
        TrustedProxies trustedProxies, Branding branding) {

    // The keys live in TotpGuardSettings with the rest of TOTP Guard's configuration; short names here.
    static final String PROTECTED = TotpGuardSettings.FILTER_PROTECTED;
    static final String EXEMPT = TotpGuardSettings.FILTER_EXEMPT;
    static final String STEP_UP_PATHS = TotpGuardSettings.FILTER_STEP_UP_PATHS;
    static final String STEP_UP_MAX_AGE = TotpGuardSettings.FILTER_STEP_UP_MAX_AGE;
    static final String PAGES = TotpGuardSettings.FILTER_PAGES;
    static final String DEFAULT_TARGET = TotpGuardSettings.FILTER_DEFAULT_TARGET;
    static final String LOGIN = TotpGuardSettings.FILTER_LOGIN;
    static final String LOGOUT_TARGET = TotpGuardSettings.FILTER_LOGOUT_TARGET;
    static final String HALF_AUTH_TIMEOUT = TotpGuardSettings.FILTER_HALF_AUTH_TIMEOUT;
    static final String MAX_AGE = TotpGuardSettings.FILTER_MAX_AGE;
    static final String MESSAGES = TotpGuardSettings.FILTER_MESSAGES;
    static final String LOCALES = TotpGuardSettings.FILTER_LOCALES;
    static final String USER_RESOLVER = TotpGuardSettings.FILTER_USER_RESOLVER;
    static final String ACCOUNT_RESOLVER = TotpGuardSettings.FILTER_ACCOUNT_RESOLVER;
    static final String PAGE_PREFIX = TotpGuardSettings.FILTER_PAGE_PREFIX;
    static final String AFTER = TotpGuardSettings.FILTER_AFTER;
    static final String BRAND_NAME = TotpGuardSettings.FILTER_BRAND_NAME;
    static final String BRAND_LOGO = TotpGuardSettings.FILTER_BRAND_LOGO;
    static final String BRAND_STYLESHEET = TotpGuardSettings.FILTER_BRAND_STYLESHEET;
    static final String BRAND_HOME = TotpGuardSettings.FILTER_BRAND_HOME;

    static final String DEFAULT_MESSAGES = dev.totpguard.internal.web.Messages.DEFAULT_BASE_NAME;

    private static final String PATTERNS_FORM = "a comma-separated list of servlet URL patterns such as /admin/*,/manage/*";
    private static final String PATH_FORM = "a path inside the application such as /admin/, without scheme, host, '//',"
            + " '..', '\\' or '%'";

    static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the filter's keys; other keys ({@code totpguard.jdbc.url}, ...) are left to the service.
     *
     * @throws IllegalArgumentException naming the key, the value and the expected form of the first bad value
     */
    static FilterSettings from(Settings settings) {
        return builder().read(settings).build();
    }

    private static List<Locale> locales(String value) {
        List<Locale> locales = new ArrayList<>();
        for (String tag : names(value)) {
            Locale locale = Locale.forLanguageTag(tag);
            if (locale.getLanguage().isEmpty() || !locale.toLanguageTag().equalsIgnoreCase(tag)) {
                throw new IllegalArgumentException("not a language tag: " + tag);
            }
            if (!locales.contains(locale)) {
                locales.add(locale);
            }
        }
        return locales;
    }

    private static List<String> names(String value) {
        List<String> names = new ArrayList<>();
        for (String part : value.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** The application path that replaces a built-in page, or {@code null}. */
    String pageOverride(PageKind kind) {
        return pageOverrides.get(kind);
    }

    @Override
    public String toString() {
        return "FilterSettings[protected=" + protectedPaths + ", exempt=" + exemptPaths + ", stepUp="
                + stepUpPaths + " within " + stepUpMaxAge + ", pages=" + pagesPath + ", defaultTarget="
                + defaultTarget + ", login=" + loginPath + ", halfAuthTimeout=" + halfAuthTimeout
                + ", maxAge=" + maxAge + "]";
    }

    /**
     * The filter's settings with their defaults, each setter checking its value at once. Not thread-safe. Behind
     * {@link TotpFilter.Builder}'s typed methods and {@link FilterSettings#from}.
     */
    static final class Builder {
        private PathPatterns protectedPaths = PathPatterns.parse("/admin/*", true);
        private PathPatterns exemptPaths = PathPatterns.parse("", false);
        private PathPatterns stepUpPaths = PathPatterns.parse("", true);
        private Duration stepUpMaxAge = Duration.ofMinutes(5);
        private String pagesPath = "/totpguard";
        private String defaultTarget = "/admin/";
        /** {@code null}: the default target. */
        private String loginPath;
        /** {@code null}: the login path. */
        private String logoutTarget;
        private Duration halfAuthTimeout = Duration.ofMinutes(5);
        /** NIST SP 800-63B's reauthentication bound at AAL2. */
        private Duration maxAge = Duration.ofHours(12);
        private String messagesBundle = DEFAULT_MESSAGES;
        private List<Locale> locales = dev.totpguard.internal.web.Messages.SHIPPED_LOCALES;
        private String userResolverClass;
        private String accountResolverClass;
        private final Map<PageKind, String> pageOverrides = new EnumMap<>(PageKind.class);
        private List<String> after = List.of();
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private String brandName;
        private String brandLogo;
        private String brandStylesheet;
        private String brandHome;
        /** The settings last read, to name the key of a check across keys; none when configured in code. */
        private Settings read;

        private Builder() {
        }

        /**
         * Applies the keys that are set, over the values given so far.
         *
         * @throws IllegalArgumentException naming the key, the value and the expected form of the first bad value
         */
        Builder read(Settings settings) {
            settings.parsed(PROTECTED, PATTERNS_FORM, this::protectedPaths);
            settings.parsed(EXEMPT, PATTERNS_FORM, this::exemptPaths);
            settings.parsed(STEP_UP_PATHS, PATTERNS_FORM, this::stepUpPaths);
            settings.duration(STEP_UP_MAX_AGE, Duration.ofNanos(1), null).ifPresent(this::stepUpMaxAge);
            settings.parsed(PAGES, "a path prefix such as /totpguard (leading '/', no trailing '/', no wildcard)",
                    this::pagesPath);
            settings.parsed(DEFAULT_TARGET, PATH_FORM, this::defaultTarget);
            settings.parsed(LOGIN, PATH_FORM, this::loginPath);
            settings.parsed(LOGOUT_TARGET, PATH_FORM, this::logoutTarget);
            settings.duration(HALF_AUTH_TIMEOUT, Duration.ofNanos(1), null).ifPresent(this::halfAuthTimeout);
            settings.duration(MAX_AGE, Duration.ZERO, null).ifPresent(this::maxAge);
            settings.string(MESSAGES).ifPresent(this::messagesBundle);
            settings.parsed(LOCALES, "comma-separated language tags such as en,de", value -> locales(FilterSettings.locales(value)));
            settings.string(USER_RESOLVER).ifPresent(name -> userResolverClass = name);
            settings.string(ACCOUNT_RESOLVER).ifPresent(name -> accountResolverClass = name);
            for (PageKind kind : PageKind.values()) {
                settings.parsed(PAGE_PREFIX + kind.key(), "an application path such as /WEB-INF/totp/" + kind.key()
                        + ".jsp", path -> page(kind, path));
            }
            settings.string(AFTER).ifPresent(names -> after = names(names));
            if (settings.string(TotpGuardSettings.TRUSTED_PROXIES).isPresent()) {
                trustedProxies(TrustedProxies.fromSettings(settings));
            }
            settings.parsed(BRAND_NAME, Branding.NAME_FORM, this::brandName);
            settings.parsed(BRAND_LOGO, Branding.PATH_FORM, this::brandLogo);
            settings.parsed(BRAND_STYLESHEET, Branding.PATH_FORM, this::brandStylesheet);
            settings.parsed(BRAND_HOME, Branding.PATH_FORM, this::brandHome);
            read = settings;
            return this;
        }

        /** Matched ignoring ASCII case, as a case-insensitive file system would serve them. */
        Builder protectedPaths(String... patterns) {
            protectedPaths = PathPatterns.parse(String.join(",", patterns), true);
            return this;
        }

        Builder exemptPaths(String... patterns) {
            exemptPaths = PathPatterns.parse(String.join(",", patterns), false);
            return this;
        }

        Builder stepUpPaths(String... patterns) {
            stepUpPaths = PathPatterns.parse(String.join(",", patterns), true);
            return this;
        }

        Builder stepUpMaxAge(Duration maxAge) {
            stepUpMaxAge = positive(maxAge, "step-up max age");
            return this;
        }

        Builder pagesPath(String path) {
            if (!path.startsWith("/") || path.endsWith("/") || path.contains("*") || !UriFirewall.isClean(path)) {
                throw new IllegalArgumentException("The pages' path must be a prefix such as /totpguard (leading '/', no"
                        + " trailing '/', no wildcard)");
            }
            pagesPath = path;
            return this;
        }

        Builder defaultTarget(String path) {
            defaultTarget = inApplication(path);
            return this;
        }

        Builder loginPath(String path) {
            loginPath = inApplication(path);
            return this;
        }

        Builder logoutTarget(String path) {
            logoutTarget = inApplication(path);
            return this;
        }

        Builder halfAuthTimeout(Duration timeout) {
            halfAuthTimeout = positive(timeout, "half-authenticated timeout");
            return this;
        }

        /** {@link Duration#ZERO}: a verified session never asks again. */
        Builder maxAge(Duration maxAge) {
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("The verified session's maximum age must be PT0S (none) or positive");
            }
            this.maxAge = maxAge;
            return this;
        }

        Builder messagesBundle(String baseName) {
            messagesBundle = Objects.requireNonNull(baseName, "baseName");
            return this;
        }

        Builder locales(List<Locale> languages) {
            if (languages.isEmpty()) {
                throw new IllegalArgumentException("The pages need at least one language");
            }
            locales = List.copyOf(languages);
            return this;
        }

        Builder page(PageKind kind, String path) {
            if (!path.startsWith("/") || !UriFirewall.isClean(path)) {
                throw new IllegalArgumentException("A replaced page must be an application path such as /WEB-INF/totp/"
                        + kind.key() + ".jsp");
            }
            pageOverrides.put(kind, path);
            return this;
        }

        Builder trustedProxies(TrustedProxies proxies) {
            trustedProxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        Builder brandName(String name) {
            brandName = new Branding(Objects.requireNonNull(name, "name"), null, null, null).name();
            return this;
        }

        Builder brandLogo(String path) {
            brandLogo = Branding.path(path);
            return this;
        }

        Builder brandStylesheet(String path) {
            brandStylesheet = Branding.path(path);
            return this;
        }

        Builder brandHome(String path) {
            brandHome = Branding.path(path);
            return this;
        }

        FilterSettings build() {
            if (protectedPaths.hasPrefix()) {
                for (String pattern : exemptPaths.patterns()) {
                    if (pattern.startsWith("*.")) {
                        // Servlet extension patterns match in every directory: *.css would exempt /admin/users.css,
                        // and any path a servlet or front controller answers under that name, from the second factor.
                        String expected = "no extension pattern such as " + pattern + ", which would exempt files under"
                                + " the protected paths " + protectedPaths.patterns() + "; exempt a directory instead,"
                                + " such as /admin/static/*";
                        throw read != null ? read.invalid(EXEMPT, expected) : new IllegalArgumentException(expected);
                    }
                }
            }
            if ((brandLogo != null || brandHome != null) && brandName == null) {
                String expected = "a product name, the header's text (and the logo's text alternative) that "
                        + BRAND_LOGO + " and " + BRAND_HOME + " need";
                throw read != null ? read.invalid(BRAND_NAME, expected) : new IllegalArgumentException("Expected "
                        + expected);
            }
            Branding branding = new Branding(brandName, brandLogo, brandStylesheet, brandHome);
            return new FilterSettings(protectedPaths, exemptPaths, stepUpPaths, stepUpMaxAge, pagesPath, defaultTarget,
                    loginPath != null ? loginPath : defaultTarget,
                    logoutTarget != null ? logoutTarget : loginPath != null ? loginPath : defaultTarget, halfAuthTimeout,
                    maxAge, messagesBundle, locales, userResolverClass, accountResolverClass,
                    Collections.unmodifiableMap(new EnumMap<>(pageOverrides)), after, trustedProxies, branding);
        }

        private static String inApplication(String path) {
            if (!ReturnTargets.isSafe(Objects.requireNonNull(path, "path"), "")) {
                throw new IllegalArgumentException("Not " + PATH_FORM + ": " + path);
            }
            return path;
        }

        private static Duration positive(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("The " + what + " must be positive");
            }
            return duration;
        }
    }
}
