package dev.totpguard;

import java.util.Objects;

/**
 * Receives an audit event for every second-factor outcome: enrollments, accepted and refused codes, replays,
 * locks, recovery code use, and administrative changes. The default is {@link LoggingTwoFactorListener}.
 *
 * <p>Called synchronously on the request's thread after the outcome is decided, so it must be quick and
 * thread-safe. An exception it throws is logged and otherwise ignored: auditing never changes an outcome.
 */
@FunctionalInterface
public interface TwoFactorListener {

    void onEvent(TwoFactorEvent event);

    /**
     * This listener, then {@code next}, for every event: e.g. the audit log and then a {@link NotifyingTwoFactorListener}.
     * {@code next} hears the event even when this listener throws; the first exception is rethrown afterwards.
     */
    default TwoFactorListener andThen(TwoFactorListener next) {
        Objects.requireNonNull(next, "next");
        return event -> {
            try {
                onEvent(event);
            } catch (RuntimeException first) {
                try {
                    next.onEvent(event);
                } catch (RuntimeException second) {
                    first.addSuppressed(second);
                }
                throw first;
            }
            next.onEvent(event);
        };
    }
}
