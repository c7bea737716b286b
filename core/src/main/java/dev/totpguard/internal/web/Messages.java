package dev.totpguard.internal.web;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.Set;

/**
 * The texts of TOTP Guard's pages (the filter's and the Jakarta Authentication module's): a {@link ResourceBundle},
 * English built in ({@value #DEFAULT_BASE_NAME}), in the configured language that best matches the request.
 * Immutable and thread-safe.
 */
public final class Messages {

    /** The built-in bundle's base name; the default of the setting {@code totpguard.filter.messages}. */
    public static final String DEFAULT_BASE_NAME = "dev.totpguard.internal.web.messages";

    /** Longer {@code Accept-Language} headers are not parsed; browsers send well under 200 characters. */
    private static final int MAX_ACCEPT_LANGUAGE = 512;

    private static final ResourceBundle.Control NO_FALLBACK = ResourceBundle.Control.getNoFallbackControl(
            ResourceBundle.Control.FORMAT_PROPERTIES);

    private final String baseName;
    private final List<Locale> locales;

    /**
     * @param baseName the bundle's base name, looked up through the thread's context class loader first (an
     *     application's own bundle), then TOTP Guard's
     * @param locales the languages the pages speak, the first one the default; not empty
     */
    public Messages(String baseName, List<Locale> locales) {
        this.baseName = Objects.requireNonNull(baseName, "baseName");
        this.locales = List.copyOf(locales);
        if (this.locales.isEmpty()) {
            throw new IllegalArgumentException("The pages need at least one language");
        }
    }

    /** The bundle in the language that best matches an {@code Accept-Language} header (see {@link #locale}). */
    public ResourceBundle bundle(String acceptLanguage) {
        Locale locale = locale(acceptLanguage);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            try {
                return ResourceBundle.getBundle(baseName, locale, loader, NO_FALLBACK);
            } catch (MissingResourceException e) {
                // fall through to TOTP Guard's own class loader
            }
        }
        return ResourceBundle.getBundle(baseName, locale, Messages.class.getClassLoader(), NO_FALLBACK);
    }

    /**
     * The configured language that best matches an {@code Accept-Language} header, else the first configured one.
     * Only configured locales ever come out, so the JDK's bundle cache, which keeps an entry per locale asked for,
     * cannot grow with the tags clients send (when the request's own locale was used, 60,000 distinct tags kept
     * 28.5 MiB, about 500 B per tag, through full collections: BENCHMARKS.md, "Memory after the Accept-Language
     * attack"). The header is matched as text: the container's {@code getLocale()}, which builds and caches a
     * {@code Locale} per tag, is never called.
     */
    public Locale locale(String acceptLanguage) {
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

    /**
     * The text under {@code key}, formatted with {@code args} ({@link MessageFormat}); a {@link Duration} argument
     * reads as "45 seconds", "2 minutes", "1 hour" (see {@link #duration}). A key the bundle lacks gives the key
     * itself, so a translation that lacks a key does not break the page.
     */
    public static String text(ResourceBundle bundle, String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            pattern = key;
        }
        Object[] formatted = args.clone();
        for (int i = 0; i < formatted.length; i++) {
            if (formatted[i] instanceof Duration) {
                formatted[i] = duration(bundle, (Duration) formatted[i]);
            }
        }
        return new MessageFormat(pattern, bundle.getLocale()).format(formatted);
    }

    /** "45 seconds", "2 minutes", "1 hour": rounded up, so the user never retries too early. */
    public static String duration(ResourceBundle bundle, Duration duration) {
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

    /** Whole seconds, rounded up (for {@code Retry-After} and the texts). */
    public static long ceilSeconds(Duration duration) {
        return duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    }

    /**
     * The bundle's texts without arguments as a template scope: {@code {{token.intro}}} in a page template is the
     * text under {@code token.intro}. Holds the bundle's keys and the built-in bundle's (a translation that lacks a
     * newer key shows the key, as {@link #text} does), so only a misspelt key fails the rendering.
     */
    public static Map<String, String> texts(ResourceBundle bundle) {
        return new Texts(bundle);
    }

    private static ResourceBundle builtIn() {
        // Cached by the JDK after the first call.
        return ResourceBundle.getBundle(DEFAULT_BASE_NAME, Locale.ROOT, Messages.class.getClassLoader(), NO_FALLBACK);
    }

    /** A read-only view of a bundle; texts are formatted when looked up. */
    private static final class Texts extends AbstractMap<String, String> {
        private final ResourceBundle bundle;

        Texts(ResourceBundle bundle) {
            this.bundle = bundle;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String && (bundle.containsKey((String) key)
                    || builtIn().containsKey((String) key));
        }

        @Override
        public String get(Object key) {
            return containsKey(key) ? text(bundle, (String) key) : null;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            Set<Entry<String, String>> entries = new HashSet<>();
            Set<String> keys = new HashSet<>(bundle.keySet());
            keys.addAll(builtIn().keySet());
            for (String key : keys) {
                entries.add(new SimpleImmutableEntry<>(key, get(key)));
            }
            return entries;
        }
    }
}
