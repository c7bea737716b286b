package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import java.time.Duration;
import java.util.Optional;

/**
 * Messages passed through a redirect by key ({@code ?notice=KEY}), so that no text from the URL is ever shown.
 */
final class Notices {

    static final String DISABLED = "disabled";
    static final String RESET = "reset";
    static final String UNLOCKED = "unlocked";
    static final String UNCHANGED = "unchanged";
    static final String FORGOTTEN = "forgotten";
    static final String AUTHENTICATOR_REMOVED = "authenticatorRemoved";

    private Notices() {
    }

    /** The notice of a key, or empty for a key that is none of these (nothing from the URL is ever shown). */
    static Optional<Text> text(String key) {
        return switch (key) {
            case DISABLED, RESET, UNLOCKED, UNCHANGED, FORGOTTEN, AUTHENTICATOR_REMOVED -> Optional.of(Text.of("notice." + key));
            default -> Optional.empty();
        };
    }

    static Text locked(Optional<Duration> retryAfter) {
        long minutes = retryAfter.map(d -> Math.max(1, (d.getSeconds() + 59) / 60)).orElse(1L);
        return Text.of("notice.locked", minutes);
    }
}
