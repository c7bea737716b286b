package dev.totpguard.filter;

import dev.totpguard.TotpGuardSettings;
import dev.totpguard.TrustedProxies;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The filter's own settings, read from the {@code totpguard.filter.*} keys (servlet init-params over
 * context params, or the programmatic builder). Every key has a default; a malformed value is refused
 * with an {@link IllegalArgumentException} naming the key and the expected form, and an unknown
 * {@code totpguard.filter.*} key is refused too, so a typo cannot silently leave a path unguarded.
 * Immutable and thread-safe.
 */
final class FilterSettings {

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

    static final String FILTER_PREFIX = "totpguard.filter.";

    static final String DEFAULT_MESSAGES = dev.totpguard.internal.web.Messages.DEFAULT_BASE_NAME;

    static final String AFTER = TotpGuardSettings.FILTER_AFTER;

    private static final Set<String> KEYS = Set.of(PROTECTED, EXEMPT, STEP_UP_PATHS, STEP_UP_MAX_AGE, PAGES,
            DEFAULT_TARGET, LOGIN, LOGOUT_TARGET, HALF_AUTH_TIMEOUT, MAX_AGE, MESSAGES, LOCALES, USER_RESOLVER,
            ACCOUNT_RESOLVER, AFTER);

    private final PathPatterns protectedPaths;
    private final PathPatterns exemptPaths;
    private final PathPatterns stepUpPaths;
    private final Duration stepUpMaxAge;
    private final String pagesPath;
    private final String defaultTarget;
    private final String loginPath;
    private final String logoutTarget;
    private final Duration halfAuthTimeout;
    private final Duration maxAge;
    private final String messagesBundle;
    private final List<Locale> locales;
    private final String userResolverClass;
    private final String accountResolverClass;
    private final Map<PageKind, String> pageOverrides;
    private final List<String> after;
    private final TrustedProxies trustedProxies;

    private FilterSettings(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (key.startsWith(FILTER_PREFIX) && !KEYS.contains(key) && !isPageKey(key)) {
                throw new IllegalArgumentException("Unknown setting " + key + ": did you mean "
                        + TotpGuardSettings.nearestKnownKey(key) + "? The filter's keys are "
                        + new java.util.TreeSet<>(KEYS) + " and " + PAGE_PREFIX + "<page>");
            }
        }
        // Every other totpguard.* key must be one that some part of TOTP Guard reads.
        TotpGuardSettings.refuseUnknownKeys(settings.keySet(), Set.of(), "setting");
        protectedPaths = patterns(settings, PROTECTED, "/admin/*", true);
        exemptPaths = patterns(settings, EXEMPT, "", false);
        if (protectedPaths.hasPrefix()) {
            for (String pattern : exemptPaths.patterns()) {
                if (pattern.startsWith("*.")) {
                    // Servlet extension patterns match in every directory: *.css would exempt /admin/users.css,
                    // and any path a servlet or front controller answers under that name, from the second factor.
                    throw new IllegalArgumentException(EXEMPT + ": the extension pattern " + pattern + " would exempt"
                            + " files under the protected paths " + protectedPaths.patterns() + "; exempt a directory"
                            + " instead, such as /admin/static/*");
                }
            }
        }
        after = names(settings, AFTER);
        stepUpPaths = patterns(settings, STEP_UP_PATHS, "", true);
        stepUpMaxAge = duration(settings, STEP_UP_MAX_AGE, "PT5M", false);
        pagesPath = pagesPath(settings);
        defaultTarget = path(settings, DEFAULT_TARGET, "/admin/");
        loginPath = path(settings, LOGIN, defaultTarget);
        logoutTarget = path(settings, LOGOUT_TARGET, loginPath);
        halfAuthTimeout = duration(settings, HALF_AUTH_TIMEOUT, "PT5M", false);
        maxAge = duration(settings, MAX_AGE, "PT12H", true);
        messagesBundle = text(settings, MESSAGES, DEFAULT_MESSAGES);
        locales = locales(settings);
        userResolverClass = text(settings, USER_RESOLVER, null);
        accountResolverClass = text(settings, ACCOUNT_RESOLVER, null);
        Map<PageKind, String> overrides = new EnumMap<>(PageKind.class);
        for (PageKind kind : PageKind.values()) {
            String key = PAGE_PREFIX + kind.key();
            String value = text(settings, key, null);
            if (value != null) {
                if (!value.startsWith("/") || !UriFirewall.isClean(value)) {
                    throw new IllegalArgumentException(key + " must be an application path such as"
                            + " /WEB-INF/totp/" + kind.key() + ".jsp, not '" + value + "'");
                }
                overrides.put(kind, value);
            }
        }
        pageOverrides = Collections.unmodifiableMap(overrides);
        trustedProxies = TrustedProxies.fromSettings(settings);
    }

    /**
     * Reads the filter's keys from a settings map; other keys ({@code totpguard.jdbc.url}, ...) are left to
     * the service.
     *
     * @throws IllegalArgumentException naming the key and the expected form of the first bad value
     */
    static FilterSettings fromMap(Map<String, String> settings) {
        return new FilterSettings(settings);
    }

    private static List<Locale> locales(Map<String, String> settings) {
        List<Locale> locales = new ArrayList<>();
        for (String tag : names(settings, LOCALES)) {
            Locale locale = Locale.forLanguageTag(tag);
            if (locale.getLanguage().isEmpty() || !locale.toLanguageTag().equalsIgnoreCase(tag)) {
                throw new IllegalArgumentException(LOCALES + " must be comma-separated language tags such as en,de,"
                        + " not '" + text(settings, LOCALES, "") + "'");
            }
            if (!locales.contains(locale)) {
                locales.add(locale);
            }
        }
        return locales.isEmpty() ? List.of(Locale.ENGLISH) : List.copyOf(locales);
    }

    private static List<String> names(Map<String, String> settings, String key) {
        List<String> names = new ArrayList<>();
        String value = text(settings, key, "");
        for (String part : value.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    static boolean isPageKey(String key) {
        for (PageKind kind : PageKind.values()) {
            if (key.equals(PAGE_PREFIX + kind.key())) {
                return true;
            }
        }
        return false;
    }

    private static String text(Map<String, String> settings, String key, String fallback) {
        String value = settings.get(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static PathPatterns patterns(Map<String, String> settings, String key, String fallback,
            boolean ignoreCase) {
        String value = settings.get(key);
        try {
            return PathPatterns.parse(value == null ? fallback : value, ignoreCase);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage()
                    + "; expected a comma-separated list such as /admin/*,/manage/*", e);
        }
    }

    private static Duration duration(Map<String, String> settings, String key, String fallback,
            boolean zeroAllowed) {
        String value = text(settings, key, fallback);
        Duration duration;
        try {
            duration = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT5M or PT8H,"
                    + " not '" + value + "'", e);
        }
        if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
            throw new IllegalArgumentException(key + " must be a positive ISO-8601 duration such as PT5M"
                    + (zeroAllowed ? " (or PT0S for none)" : "") + ", not '" + value + "'");
        }
        return duration;
    }

    /** A context-relative path with an optional query: "/admin/" or "/admin/?tab=1". */
    private static String path(Map<String, String> settings, String key, String fallback) {
        String value = text(settings, key, fallback);
        if (!ReturnTargets.isSafe(value, "")) {
            throw new IllegalArgumentException(key + " must be a path inside the application such as /admin/,"
                    + " without scheme, host, '//', '..', '\\' or '%', not '" + value + "'");
        }
        return value;
    }

    private static String pagesPath(Map<String, String> settings) {
        String value = text(settings, PAGES, "/totpguard");
        if (!value.startsWith("/") || value.endsWith("/") || value.contains("*") || !UriFirewall.isClean(value)) {
            throw new IllegalArgumentException(PAGES + " must be a path prefix such as /totpguard"
                    + " (leading '/', no trailing '/', no wildcard), not '" + value + "'");
        }
        return value;
    }

    PathPatterns protectedPaths() {
        return protectedPaths;
    }

    PathPatterns exemptPaths() {
        return exemptPaths;
    }

    PathPatterns stepUpPaths() {
        return stepUpPaths;
    }

    Duration stepUpMaxAge() {
        return stepUpMaxAge;
    }

    String pagesPath() {
        return pagesPath;
    }

    String defaultTarget() {
        return defaultTarget;
    }

    String loginPath() {
        return loginPath;
    }

    String logoutTarget() {
        return logoutTarget;
    }

    Duration halfAuthTimeout() {
        return halfAuthTimeout;
    }

    /** How long a verified session lasts before the next code; {@link Duration#ZERO} (only if set so) for ever. */
    Duration maxAge() {
        return maxAge;
    }

    String messagesBundle() {
        return messagesBundle;
    }

    /** The languages of the pages, the first the default; never empty. */
    List<Locale> locales() {
        return locales;
    }

    /** {@code null} for the default, {@code getRemoteUser()}. */
    String userResolverClass() {
        return userResolverClass;
    }

    String accountResolverClass() {
        return accountResolverClass;
    }

    /** The names of the filters that sign users in and that the filter must follow; empty: it runs first. */
    List<String> after() {
        return after;
    }

    /** The proxies whose forwarding headers give the client address for the per-address limits. */
    TrustedProxies trustedProxies() {
        return trustedProxies;
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
}
