package dev.totpguard;

/**
 * The account's last authenticator was to be removed where the policy requires a second factor
 * ({@link TwoFactorService#removeAuthenticator}): add another one first, or ask an administrator to reset.
 */
public final class LastAuthenticatorException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public LastAuthenticatorException() {
        super("The last authenticator stays while the policy requires a second factor: add another one first");
    }
}
