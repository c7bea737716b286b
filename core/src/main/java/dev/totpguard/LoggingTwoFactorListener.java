package dev.totpguard;

import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.util.Objects;

/**
 * The default audit listener: one line per event through {@link System.Logger} (by default
 * java.util.logging; SLF4J or Log4j when the application routes System.Logger there), logger name
 * {@code dev.totpguard.audit}. Lines carry the event type, user, actor, client address and detail, never a
 * secret or a code.
 *
 * <p>Values are written with control characters replaced, so a user name holding a line break cannot forge log
 * lines. Refusals, replays, locks and store failures log at WARNING, everything else at INFO. Thread-safe.
 */
public final class LoggingTwoFactorListener implements TwoFactorListener {

    /** The logger name. */
    public static final String LOGGER_NAME = "dev.totpguard.audit";

    private final Logger logger;

    public LoggingTwoFactorListener() {
        this(System.getLogger(LOGGER_NAME));
    }

    public LoggingTwoFactorListener(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    @Override
    public void onEvent(TwoFactorEvent event) {
        Level level = level(event.type());
        if (!logger.isLoggable(level)) {
            return;
        }
        logger.log(level, format(event));
    }

    /** The line logged for an event: {@code totpguard CODE_REFUSED user="alice" from="192.0.2.1" detail="invalid code"}. */
    static String format(TwoFactorEvent event) {
        StringBuilder line = new StringBuilder(96).append("totpguard ").append(event.type());
        append(line, "user", event.user());
        event.actor().ifPresent(actor -> append(line, "actor", actor));
        event.clientAddress().ifPresent(address -> append(line, "from", address));
        event.detail().ifPresent(detail -> append(line, "detail", detail));
        return line.toString();
    }

    private static Level level(TwoFactorEvent.Type type) {
        switch (type) {
            case CODE_REFUSED:
            case ENROLLMENT_REFUSED:
            case RECOVERY_CODE_REFUSED:
            case REPLAY_REFUSED:
            case LOCKED_OUT:
            case PASSWORD_REFUSED:
            case STORE_UNAVAILABLE:
                return Level.WARNING;
            default:
                return Level.INFO;
        }
    }

    private static void append(StringBuilder line, String name, String value) {
        line.append(' ').append(name).append("=\"");
        int end = Math.min(value.length(), 256);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            // Control characters (CR, LF, ...) and quotes would let a crafted user name forge log lines or fields.
            line.append(Character.isISOControl(c) || c == '"' || c == '\\' ? '?' : c);
        }
        if (value.length() > end) {
            line.append("...");
        }
        line.append('"');
    }
}
