package dev.totpguard.example.login;

import java.util.Objects;
import javax.security.auth.callback.Callback;

/**
 * Tells the login's {@link javax.security.auth.callback.CallbackHandler} the account's stored name once the password
 * was checked. Jetty's {@code JAASLoginService} names the container principal (and so {@code getRemoteUser()}) by
 * asking the handler for the user name after the login, which would otherwise be the name as typed ({@code ADMIN}
 * for {@code admin} in a case-insensitive user table). A handler that does not know this callback refuses it, and
 * the filter's refusal of other spellings still holds. Immutable and thread-safe.
 */
public final class AccountNameCallback implements Callback {

    private final String name;

    /** @param name the account's name as the user table stores it */
    public AccountNameCallback(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public String name() {
        return name;
    }
}
