package dev.totpguard.internal.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.PropertyResourceBundle;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The texts of TOTP Guard's pages (the filter's and the Jakarta Authentication module's): a {@link ResourceBundle},
 * English and German built in ({@value #DEFAULT_BASE_NAME}, {@link #SHIPPED_LOCALES}), in the configured language
 * that best matches the request. The example application uses it for its own bundle too.
 * Immutable and thread-safe.
 */
public final class Messages {

    /** The built-in bundle's base name; the default of the setting {@code totpguard.filter.messages}. */
    public static final String DEFAULT_BASE_NAME = "dev.totpguard.internal.web.messages";

    /**
     * The languages the built-in bundle ships, English (the default) first: the default of the setting
     * {@code totpguard.filter.locales} and the languages of the Jakarta Authentication module's pages.
     */
    public static final List<Locale> SHIPPED_LOCALES = List.of(Locale.ENGLISH, Locale.GERMAN);

    /** Longer {@code Accept-Language} headers are not parsed; browsers send well under 200 characters. */
    private static final int MAX_ACCEPT_LANGUAGE = 512;

    /** Names the candidate bundles of a locale (most specific first, the base bundle last), never the JVM's locale. */
    private static final ResourceBundle.Control CANDIDATES = ResourceBundle.Control.getNoFallbackControl(
            ResourceBundle.Control.FORMAT_PROPERTIES);

    /** The built-in texts, the last resort for a key a translation lacks. */
    private static final ResourceBundle BUILT_IN = load(DEFAULT_BASE_NAME, Locale.ROOT, null);

    private final String baseName;
    private final List<Locale> locales;
    /** One bundle per configured locale at most: only those ever come out of {@link #locale}. */
    private final Map<Locale, ResourceBundle> bundles = new ConcurrentHashMap<>();

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
        return bundles.computeIfAbsent(locale(acceptLanguage),
                locale -> load(baseName, locale, Thread.currentThread().getContextClassLoader()));
    }

    /**
     * The languages whose bundles were loaded so far: never more than the configured ones, whatever tags clients
     * send (the bound {@link #locale} promises, observable).
     */
    public Set<Locale> loadedLocales() {
        return Set.copyOf(bundles.keySet());
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

    /**
     * Loads the {@code .properties} files of {@code baseName} for {@code locale}, each with its less specific one as
     * parent. {@code ResourceBundle.getBundle} with a {@code Control} would do this, but throws in a named module (the
     * jars are modules on a module path); so the files are read here, from the application's class loader (its own
     * bundle) and else from this module (the built-in one, which a class loader cannot see inside a named module).
     *
     * @throws MissingResourceException if not even the base file exists
     */
    private static ResourceBundle load(String baseName, Locale locale, ClassLoader applicationLoader) {
        List<Locale> candidates = new ArrayList<>(CANDIDATES.getCandidateLocales(baseName, locale));
        Collections.reverse(candidates);
        ResourceBundle bundle = null;
        for (Locale candidate : candidates) {
            String resource = CANDIDATES.toResourceName(CANDIDATES.toBundleName(baseName, candidate), "properties");
            try (InputStream in = open(resource, applicationLoader)) {
                if (in != null) {
                    bundle = new Bundle(in, candidate, bundle);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + resource, e);
            }
        }
        if (bundle == null) {
            throw new MissingResourceException("No bundle " + baseName + " (" + CANDIDATES.toResourceName(baseName,
                    "properties") + ") on the class path", baseName, "");
        }
        return bundle;
    }

    private static InputStream open(String resource, ClassLoader applicationLoader) {
        InputStream in = applicationLoader == null ? null : applicationLoader.getResourceAsStream(resource);
        return in != null ? in : Messages.class.getResourceAsStream("/" + resource);
    }

    /** A properties file with its locale and its less specific parent. */
    private static final class Bundle extends PropertyResourceBundle {
        private final Locale locale;

        Bundle(InputStream in, Locale locale, ResourceBundle parent) throws IOException {
            // As getBundle reads a properties file: UTF-8, or ISO-8859-1 where the bytes are not UTF-8.
            super(in);
            this.locale = locale;
            setParent(parent);
        }

        @Override
        public Locale getLocale() {
            return locale;
        }
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
                    || BUILT_IN.containsKey((String) key));
        }

        @Override
        public String get(Object key) {
            return containsKey(key) ? text(bundle, (String) key) : null;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            Set<Entry<String, String>> entries = new HashSet<>();
            Set<String> keys = new HashSet<>(bundle.keySet());
            keys.addAll(BUILT_IN.keySet());
            for (String key : keys) {
                entries.add(new SimpleImmutableEntry<>(key, get(key)));
            }
            return entries;
        }
    }
}
