package dev.totpguard.example.web;

import dev.totpguard.TwoFactorStatus;
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

    /** "Enabled", "Set-up not finished" or "Not enabled", as HTML-safe text. */
    static String state(TwoFactorStatus status) {
        return switch (status.state()) {
            case ACTIVE -> "Enabled (Time-based Tokens)";
            case PENDING -> "Set-up not finished";
            case NONE -> "Not enabled";
        };
    }
}
