package dev.totpguard.example.data;

import dev.totpguard.internal.web.Messages;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * A text for a person, named by its key in the example's bundle ({@value #BUNDLE}, English and German) and written
 * in a language only when a page is rendered for one request: so the data layer and the servlets can say what went
 * wrong without knowing who reads it. The admin CLI, which speaks English only, writes it with {@link #english()}.
 * Immutable.
 */
public sealed interface Text {

    /** The base name of the example's bundle. */
    String BUNDLE = "dev.totpguard.example.web.messages";

    /** The languages of the example's pages, English (the default) first. */
    List<Locale> LOCALES = List.of(Locale.ENGLISH, Locale.GERMAN);

    /**
     * The text under {@code key}, formatted with {@code args} ({@link Messages#text}); an argument that is a
     * {@code Text} is written in the same language.
     */
    static Text of(String key, Object... args) {
        return new Keyed(key, List.of(args));
    }

    /** A text taken as it is (data the application holds, such as a name), never a format pattern. */
    static Text verbatim(String text) {
        return new Verbatim(text);
    }

    /** This text in the language of {@code bundle}. */
    String in(ResourceBundle bundle);

    /** This text in English, for the CLI. */
    default String english() {
        return in(EnglishBundle.BUNDLE);
    }

    /** A key and its arguments. */
    record Keyed(String key, List<Object> args) implements Text {

        public Keyed {
            Objects.requireNonNull(key, "key");
            args = List.copyOf(args);
        }

        @Override
        public String in(ResourceBundle bundle) {
            Object[] written = args.toArray();
            for (int i = 0; i < written.length; i++) {
                if (written[i] instanceof Text text) {
                    written[i] = text.in(bundle);
                }
            }
            return Messages.text(bundle, key, written);
        }
    }

    /** A text that needs no translation. */
    record Verbatim(String text) implements Text {

        public Verbatim {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String in(ResourceBundle bundle) {
            return text;
        }
    }
}

/** The English bundle, loaded once, on first use. */
final class EnglishBundle {

    static final ResourceBundle BUNDLE = new Messages(Text.BUNDLE, List.of(Locale.ENGLISH)).bundle(null);

    private EnglishBundle() {
    }
}
