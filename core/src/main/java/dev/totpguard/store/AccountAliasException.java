package dev.totpguard.store;

import java.util.Objects;

/**
 * A user name is another spelling of an account that already has a credential under a different stored id (same
 * {@link AccountKey}, e.g. {@code ADMIN} while {@code admin} is enrolled). A case- or accent-insensitive password
 * check may have accepted that spelling for the enrolled account, so the name must be refused: it is neither "not
 * enrolled" (that would skip the second factor or enroll a second secret) nor the enrolled account (the caller
 * named another id). The user signs in again with the account's own user name, or the application maps names to
 * canonical ids before they reach TOTP Guard ({@code dev.totpguard.AccountResolver}).
 *
 * <p>A subclass of {@link StoreException} so that code written before it existed still fails closed; callers that
 * can show a page answer it with "sign in with your account's user name" (HTTP 403). The message names the
 * spelling that was used, never the stored id it collides with.
 */
public final class AccountAliasException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final String user;

    public AccountAliasException(String user) {
        super("User name '" + Objects.requireNonNull(user, "user")
                + "' is another spelling of an account enrolled under a different user name; refused");
        this.user = user;
    }

    /** The refused spelling, as given. */
    public String user() {
        return user;
    }
}
