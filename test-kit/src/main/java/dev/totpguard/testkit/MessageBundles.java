package dev.totpguard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks that the translations of a message bundle are complete: every shipped locale's {@code .properties} file
 * has exactly the keys of the base file (a missing and an extra key are both named), every value is a
 * {@link MessageFormat} pattern that parses, uses the same argument indexes as the base text and is not empty,
 * has no lone apostrophe (which {@code MessageFormat} would take as the start of quoted text and swallow), and the
 * file is UTF-8, as {@code PropertyResourceBundle} reads it (other bytes would be read as ISO-8859-1 and show
 * umlauts wrong). Every problem is reported, not only the first. Stateless.
 */
public final class MessageBundles {

    /** An apostrophe not doubled: {@code MessageFormat} starts quoted text there. */
    private static final Pattern LONE_APOSTROPHE = Pattern.compile("(?<!')'(?!')");

    private MessageBundles() {
    }

    /**
     * Throws an {@link AssertionError} listing every problem of the bundle's translations.
     *
     * @param loader where the files are resources
     * @param baseName the bundle's base name, e.g. {@code dev.totpguard.internal.web.messages}
     * @param translations the shipped locales other than the base file's (e.g. {@code de}); each must have a file
     */
    public static void assertComplete(ClassLoader loader, String baseName, List<Locale> translations) {
        List<String> problems = new ArrayList<>();
        String baseResource = baseName.replace('.', '/') + ".properties";
        Map<String, String> base = read(loader, baseResource, problems);
        if (base == null) {
            throw new AssertionError("No base bundle " + baseResource + " on the class path");
        }
        check(baseResource, base, base, problems);
        for (Locale locale : translations) {
            String resource = baseName.replace('.', '/') + "_" + locale.toLanguageTag().replace('-', '_') + ".properties";
            Map<String, String> translated = read(loader, resource, problems);
            if (translated == null) {
                problems.add(resource + ": missing (a shipped locale needs its file)");
                continue;
            }
            Set<String> missing = new TreeSet<>(base.keySet());
            missing.removeAll(translated.keySet());
            Set<String> extra = new TreeSet<>(translated.keySet());
            extra.removeAll(base.keySet());
            if (!missing.isEmpty()) {
                problems.add(resource + ": missing keys " + missing);
            }
            if (!extra.isEmpty()) {
                problems.add(resource + ": keys the base bundle does not have " + extra);
            }
            check(resource, base, translated, problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Bundle " + baseName + " is not complete:\n  " + String.join("\n  ", problems));
        }
    }

    /** Every value of {@code texts}: not empty, a pattern that parses, with the argument indexes of the base's. */
    private static void check(String resource, Map<String, String> base, Map<String, String> texts, List<String> problems) {
        texts.forEach((key, text) -> {
            if (text.isBlank()) {
                problems.add(resource + ": " + key + " is empty");
                return;
            }
            if (LONE_APOSTROPHE.matcher(text).find()) {
                problems.add(resource + ": " + key + " has a lone ' (MessageFormat swallows what follows; write '')");
            }
            Set<Integer> used;
            try {
                used = argumentIndexes(text);
            } catch (IllegalArgumentException e) {
                problems.add(resource + ": " + key + " is not a MessageFormat pattern: " + e.getMessage());
                return;
            }
            String baseText = base.get(key);
            if (baseText != null && texts != base) {
                try {
                    Set<Integer> expected = argumentIndexes(baseText);
                    if (!expected.equals(used)) {
                        problems.add(resource + ": " + key + " uses arguments " + used + ", the base text " + expected);
                    }
                } catch (IllegalArgumentException e) {
                    // Reported for the base file already.
                }
            }
        });
    }

    /**
     * The argument indexes a pattern formats. Each argument is a {@link Number} that notes when it is read, which
     * every kind of format element accepts (none, number, choice, date).
     */
    static Set<Integer> argumentIndexes(String pattern) {
        MessageFormat format = new MessageFormat(pattern, Locale.ROOT);
        int count = format.getFormatsByArgumentIndex().length;
        Set<Integer> used = new TreeSet<>();
        Object[] arguments = new Object[count];
        for (int i = 0; i < count; i++) {
            arguments[i] = new NotedArgument(i, used);
        }
        format.format(arguments);
        return used;
    }

    /** The file's entries in key order, or {@code null} if there is no such resource. */
    private static Map<String, String> read(ClassLoader loader, String resource, List<String> problems) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                problems.add(resource + ": not UTF-8 (PropertyResourceBundle would read it as ISO-8859-1)");
                text = new String(bytes, StandardCharsets.ISO_8859_1);
            }
            Properties properties = new Properties();
            properties.load(new StringReader(text));
            Map<String, String> entries = new TreeMap<>();
            properties.forEach((key, value) -> entries.put((String) key, (String) value));
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    /** An argument that records its index when a format reads it. */
    private static final class NotedArgument extends Number {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final transient Set<Integer> used;

        NotedArgument(int index, Set<Integer> used) {
            this.index = index;
            this.used = used;
        }

        private long note() {
            used.add(index);
            return 2;
        }

        @Override
        public int intValue() {
            return (int) note();
        }

        @Override
        public long longValue() {
            return note();
        }

        @Override
        public float floatValue() {
            return note();
        }

        @Override
        public double doubleValue() {
            return note();
        }

        @Override
        public String toString() {
            return Long.toString(note());
        }
    }
}
