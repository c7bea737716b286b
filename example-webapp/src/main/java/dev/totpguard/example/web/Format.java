package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.TwoFactorStatus.State;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How values read in the admin UI are written. Stateless. */
final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /** "Enabled", "Set-up not finished" or "Not enabled". */
    static Text state(State state) {
        return switch (state) {
            case ACTIVE -> Text.of("state.active");
            case PENDING -> Text.of("state.pending");
            case NONE -> Text.of("state.none");
        };
    }

    /**
     * {@code text} with every invisible character written as its code point ({@code <U+202E>}): controls, and the
     * format characters that reorder or hide text (bidirectional overrides and isolates, zero-width joiners). Text
     * from outside, such as a name typed at the login form, then cannot disguise itself as another name in the
     * audit log ("\u202Enimda" would read "admin").
     */
    static String visible(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(codePoint -> {
            int type = Character.getType(codePoint);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                shown.append(String.format("<U+%04X>", codePoint));
            } else {
                shown.appendCodePoint(codePoint);
            }
        });
        return shown.toString();
    }

    static Optional<String> visible(Optional<String> text) {
        return text.map(Format::visible);
    }
}
