package dev.totpguard;

/**
 * An account that has {@link TwoFactorPolicy#maxAuthenticators()} authenticators already asked to add one more
 * ({@link TwoFactorService#startAuthenticator}): tell the user to remove one first.
 */
public final class AuthenticatorLimitException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public AuthenticatorLimitException(int limit) {
        super("The account has the most authenticators the policy allows (" + limit + "): remove one first");
        this.limit = limit;
    }

    /** The policy's limit that was reached. */
    public int limit() {
        return limit;
    }
}
