package dev.totpguard;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/** Reads typed values from a settings map; every bad value is an error naming the key and the expected form. */
final class SettingsReader {

    private final Map<String, String> settings;

    SettingsReader(Map<String, String> settings) {
        this.settings = settings;
    }

    /** The trimmed value, or {@code null} when absent or blank. */
    String string(String key) {
        String value = settings.get(key);
        if (value == null) {
            return null;
        }
        value = value.strip();
        return value.isEmpty() ? null : value;
    }

    String string(String key, String defaultValue) {
        String value = string(key);
        return value == null ? defaultValue : value;
    }

    int integer(String key, int defaultValue, int min, int max) {
        String value = string(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, value, "a whole number from " + min + " to " + max);
    }

    Duration duration(String key, Duration defaultValue) {
        String value = string(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
            if (!parsed.isNegative() && !parsed.isZero()) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw bad(key, value, "a positive ISO-8601 duration such as PT30S, PT1M or PT1H");
    }

    boolean bool(String key, boolean defaultValue) {
        String value = string(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(key, value, "true or false");
    }

    static IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("Setting " + key + " = '" + shorten(value) + "' is invalid: expected " + expected);
    }

    private static String shorten(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
