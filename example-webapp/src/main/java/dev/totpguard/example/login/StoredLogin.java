package dev.totpguard.example.login;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.util.Objects;
import org.eclipse.jetty.security.Authenticator;
import org.eclipse.jetty.security.LoginService;
import org.eclipse.jetty.security.SecurityHandler;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.authentication.LoginAuthenticator;

/**
 * The signed-in state that {@link SessionLoginAuthenticator} keeps in the session instead of Jetty's
 * {@code SessionAuthentication}: the account's stored name and the authentication type, nothing else. Jetty's own
 * class also keeps the password, so that a node that loads the session from a shared store can run the login again;
 * with a persistent session store that put every signed-in password into the session table, and the re-login cost
 * one PBKDF2 hash at every request that loaded the session (TOTP Guard issue 13, item 9).
 *
 * <p>When a node reads this value from a stored session, it asks its {@link SessionLoginService} for the account
 * by name: the account must still exist and hold a role, or the session is signed out (its user identity stays
 * {@code null}, which {@link SessionLoginService#validate} refuses, and Jetty then sends the browser to the login
 * page). No password is read, checked or hashed. The second factor is not part of this: TOTP Guard's filter decides
 * it from its own session marker, as before.
 */
final class StoredLogin extends LoginAuthenticator.UserAuthenticationSucceeded {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;

    StoredLogin(String authenticationType, UserIdentity userIdentity) {
        super(authenticationType, userIdentity);
        this.name = Objects.requireNonNull(userIdentity.getUserPrincipal().getName(), "name");
    }

    /** The account's name as stored; {@code null} only for a value read from a corrupt session. */
    String name() {
        return name;
    }

    @Serial
    private void readObject(ObjectInputStream stream) throws IOException, ClassNotFoundException {
        stream.defaultReadObject();
        // The session is loaded while the request is in its context: the same look-up Jetty's SessionAuthentication
        // makes. Without it (or with another login service) the identity stays null and the session is signed out.
        SecurityHandler security = SecurityHandler.getCurrentSecurityHandler();
        if (security == null || name == null) {
            return;
        }
        Authenticator authenticator = security.getAuthenticator();
        LoginService service = authenticator instanceof LoginAuthenticator login ? login.getLoginService() : security.getLoginService();
        if (service instanceof SessionLoginService sessions) {
            _userIdentity = sessions.restore(name);
        }
    }

    @Override
    public String toString() {
        return "StoredLogin[" + name + ", " + (_userIdentity == null ? "signed out" : "signed in") + "]";
    }
}
