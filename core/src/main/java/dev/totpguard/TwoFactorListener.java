package dev.totpguard;

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
}
