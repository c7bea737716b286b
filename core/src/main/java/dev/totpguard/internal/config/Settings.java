package dev.totpguard.internal.config;

import dev.totpguard.config.TotpGuardSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one reader of TOTP Guard's settings ({@link TotpGuardSettings}), whatever they come from: servlet context
 * parameters and init-params, JAAS options, Jakarta Authentication module options, Spring Boot properties or a map
 * built in code. Each typed read returns the value when the key is set (blank counts as unset) and leaves the
 * default to the caller, where it is written once.
 *
 * <p>One error format for every bad value: {@code <Source> <key> = '<value>' is invalid: expected <form>}, the value
 * shortened and its control characters replaced; the value of a key that may hold a password
 * ({@code totpguard.jdbc.url}, {@code totpguard.jdbc.password}, {@code totpguard.keystore.password}) is never shown.
 * A {@code totpguard.*} key that nothing reads is refused when the settings are read in, naming the nearest known key,
 * so that a typo cannot leave a default in force.
 *
 * <p>Immutable and thread-safe.
 */
public final class Settings {

    private static final int SHOWN_CHARS = 80;

    /** One value and the source it came from, for the message. Non-string values (JAAS objects) are kept as given. */
    private record Entry(Object value, String source) {
    }

    private final Map<String, Entry> entries;
    /** The source named when a key is missing: the last one read in. */
    private final String source;

    /** Keys whose values may hold a password: this reader never repeats them in a message. */
    public static final Set<String> SECRET_KEYS = Set.of(TotpGuardSettings.JDBC_URL,
            TotpGuardSettings.JDBC_PASSWORD, TotpGuardSettings.KEYSTORE_PASSWORD);

    /**
     * Refuses settings that look like TOTP Guard's ({@code totpguard.*}) but that nothing reads: a misspelled
     * key would otherwise be ignored and leave its default in force (a typo in {@code totpguard.enforcement}
     * made an application run OPTIONAL). Keys outside {@code totpguard.*} are not looked at. Only key names go
     * into the message, never a value.
     *
     * @param keys the names of the settings of one source (context parameters, init-params, JAAS options...)
     * @param extraKnown keys a module reads that are not strings of this class (e.g. object-valued options)
     * @param source what the keys came from, for the message, e.g. "context parameter"
     * @throws IllegalArgumentException naming the first unknown key and the nearest known one
     */
    public static void refuseUnknownKeys(Collection<String> keys, Collection<String> extraKnown, String source) {
        for (String key : new TreeSet<>(keys)) {
            if (key.startsWith("totpguard.") && !TotpGuardSettings.knownKeys().contains(key) && !extraKnown.contains(key)) {
                throw new InvalidSettingException("Unknown " + source + " " + key + ": did you mean "
                        + nearestKnownKey(key) + "? A totpguard.* setting that nothing reads is refused so that a"
                        + " typo cannot leave a default in force");
            }
        }
    }

    /** The known key with the smallest edit distance to {@code key} (the first in sort order on a tie). */
    public static String nearestKnownKey(String key) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String known : TotpGuardSettings.knownKeys()) {
            int distance = editDistance(key, known);
            if (distance < best) {
                best = distance;
                nearest = known;
            }
        }
        return nearest;
    }

    /** Levenshtein distance, two rows. */
    public static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private Settings(Map<String, Entry> entries, String source) {
        this.entries = entries;
        this.source = source;
    }

    /**
     * The settings of one source.
     *
     * @param values the keys and values; keys outside {@code totpguard.*} are kept but not checked
     * @param source what the values are, for messages: {@code "context parameter"}, {@code "JAAS option"}...
     * @throws IllegalArgumentException naming the first unknown {@code totpguard.*} key and the nearest known one
     */
    public static Settings of(Map<String, ?> values, String source) {
        return new Settings(Map.of(), source).overriddenBy(values, source);
    }

    /**
     * These settings with {@code values} of another source winning over them (init-params over context parameters).
     *
     * @throws IllegalArgumentException naming the first unknown {@code totpguard.*} key of {@code values}
     */
    public Settings overriddenBy(Map<String, ?> values, String source) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(source, "source");
        refuseUnknownKeys(values.keySet(), Set.of(), source);
        Map<String, Entry> merged = new HashMap<>(entries);
        values.forEach((key, value) -> {
            if (value != null) {
                merged.put(key, new Entry(value, source));
            }
        });
        return new Settings(Map.copyOf(merged), source);
    }

    /** The keys that were given a value, in sort order. */
    public java.util.SortedSet<String> keys() {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(entries.keySet()));
    }

    /** The value, stripped of surrounding space; empty when unset or blank. */
    public Optional<String> string(String key) {
        return text(key).map(String::strip).filter(value -> !value.isEmpty());
    }

    /**
     * A password or other secret, exactly as given (surrounding space may belong to it); empty when unset or empty.
     * A message about it never contains it.
     */
    public Optional<String> secret(String key) {
        return text(key).filter(value -> !value.isEmpty());
    }

    /** A whole number from {@code min} to {@code max}. */
    public Optional<Integer> integer(String key, int min, int max) {
        return parsed(key, "a whole number from " + min + " to " + max, value -> {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException("out of range");
            }
            return parsed;
        });
    }

    /**
     * An ISO-8601 duration ({@code PT30S}, {@code PT5M}, {@code PT1H}, any case) from {@code min} to {@code max}.
     *
     * @param min the shortest allowed; {@link Duration#ZERO} allows {@code PT0S}, otherwise it must be positive
     * @param max the longest allowed, or {@code null} for no bound
     */
    public Optional<Duration> duration(String key, Duration min, Duration max) {
        String expected = max != null ? "an ISO-8601 duration from " + min + " to " + max
                : min.isZero() ? "a positive ISO-8601 duration such as PT5M or PT8H, or PT0S for none"
                : "a positive ISO-8601 duration such as PT30S, PT1M or PT1H";
        return parsed(key, expected, value -> {
            Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
            if (parsed.compareTo(min) < 0 || parsed.isNegative() || (max != null && parsed.compareTo(max) > 0)) {
                throw new IllegalArgumentException("out of range");
            }
            return parsed;
        });
    }

    /** {@code true} or {@code false}, any case. */
    public Optional<Boolean> bool(String key) {
        return parsed(key, "true or false", value -> {
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.valueOf(value);
            }
            throw new IllegalArgumentException("not a boolean");
        });
    }

    /** One of the constants of {@code type}, by name in any case, {@code -} standing for {@code _}. */
    public <E extends Enum<E>> Optional<E> choice(String key, Class<E> type) {
        E[] constants = type.getEnumConstants();
        String[] names = new String[constants.length];
        for (int i = 0; i < constants.length; i++) {
            names[i] = constants[i].name();
        }
        return word(key, names).map(name -> Enum.valueOf(type, name));
    }

    /** One of {@code words}, in any case; the word as written here. */
    public Optional<String> word(String key, String... words) {
        return parsed(key, joined(words), value -> {
            for (String word : words) {
                if (word.equalsIgnoreCase(value) || word.equalsIgnoreCase(value.replace('-', '_'))) {
                    return word;
                }
            }
            throw new IllegalArgumentException("not one of the words");
        });
    }

    /** A file path. */
    public Optional<Path> path(String key) {
        return parsed(key, "a file path", value -> {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    /**
     * A value of a form of its own: {@code parser} gets the stripped value and throws an
     * {@link IllegalArgumentException} (or a {@link RuntimeException} such as {@link DateTimeParseException}) when it
     * is not of the {@code expected} form; that exception becomes the cause of the error (never for a key that may
     * hold a password, whose parser's message might repeat it).
     */
    public <T> Optional<T> parsed(String key, String expected, Function<String, T> parser) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(value.get()));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            IllegalArgumentException invalid = invalid(key, expected);
            if (!SECRET_KEYS.contains(key)) {
                invalid.initCause(e);
            }
            throw invalid;
        }
    }

    /**
     * The error for {@code key}'s value (or its absence) in the one format, for checks that involve several keys or
     * resources: {@code <Source> <key> = '<value>' is invalid: expected <form>}, or {@code <Source> <key> is missing:
     * expected <form>}. The value of a key that may hold a password is not shown.
     */
    public InvalidSettingException invalid(String key, String expected) {
        Entry entry = entries.get(key);
        if (entry == null || (entry.value() instanceof String && ((String) entry.value()).isBlank())) {
            return new InvalidSettingException(capitalized(entry != null ? entry.source() : source) + " " + key + " is missing: expected " + expected);
        }
        String shown = SECRET_KEYS.contains(key) || !(entry.value() instanceof String)
                ? " (value not shown)" : " = '" + shortened((String) entry.value()) + "'";
        return new InvalidSettingException(capitalized(entry.source()) + " " + key + shown + " is invalid: expected "
                + expected);
    }

    /** The value as given; a value that is not a string (a JAAS option may be any object) is refused. */
    private Optional<String> text(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!(entry.value() instanceof String)) {
            throw invalid(key, "a text value");
        }
        return Optional.of((String) entry.value());
    }

    @Override
    public String toString() {
        // Keys only: values may be passwords.
        return "Settings" + new java.util.TreeSet<>(entries.keySet());
    }

    private static String joined(String... words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            text.append(i == 0 ? "" : i == words.length - 1 ? " or " : ", ").append(words[i]);
        }
        return text.toString();
    }

    private static String capitalized(String source) {
        return source.isEmpty() ? source : Character.toUpperCase(source.charAt(0)) + source.substring(1);
    }

    private static String shortened(String value) {
        String printable = value.strip().replaceAll("\\p{Cntrl}", "?");
        return printable.length() > SHOWN_CHARS ? printable.substring(0, SHOWN_CHARS) + "..." : printable;
    }
}
