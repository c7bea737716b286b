package dev.totpguard.example.web;

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

    private Notices() {
    }

    static Optional<String> text(String key) {
        return Optional.ofNullable(switch (key) {
            case DISABLED -> "Two-factor authentication is now off for your account.";
            case RESET -> "Two-factor authentication was removed. The administrator can set it up again after signing in.";
            case UNLOCKED -> "The lock was lifted: token codes are checked again.";
            case UNCHANGED -> "Nothing was changed: the name and e-mail are as they were.";
            default -> null;
        });
    }

    static String locked(Optional<Duration> retryAfter) {
        long minutes = retryAfter.map(d -> Math.max(1, (d.getSeconds() + 59) / 60)).orElse(1L);
        return "Too many wrong codes: two-factor authentication is locked for " + minutes + (minutes == 1 ? " minute" : " minutes")
                + ". Wait, then try again, or ask another administrator to unlock it.";
    }
}
