package dev.totpguard;

/**
 * Delivers a {@link Notification} to its user out of band, e.g. by e-mail to the address the application holds for
 * the account. The SPI behind {@link NotifyingTwoFactorListener}, which calls it on a thread of its own, never on a
 * login's or a change's: it may block on the network, but should bound every wait (connect and read timeouts),
 * since the notifications behind it queue up meanwhile.
 *
 * <p>A notification must never hold a secret, a code, a recovery code or a link that signs in. Implementations are
 * called from one thread at a time per listener.
 */
@FunctionalInterface
public interface Notifier {

    /**
     * Delivers one notification.
     *
     * @throws Exception when it could not be delivered: the listener logs the exception's class and message (so they
     *     must hold no password) and counts it in {@link NotifyingTwoFactorListener#failed()}; nothing is retried
     */
    void send(Notification notification) throws Exception;
}
