package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.TwoFactorStatus.State;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

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
}
