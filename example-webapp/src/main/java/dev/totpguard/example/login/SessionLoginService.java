package dev.totpguard.example.login;

import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.jaas.RolePrincipal;
import dev.totpguard.jaas.UserPrincipal;
import java.security.Principal;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.security.auth.Subject;
import org.eclipse.jetty.security.IdentityService;
import org.eclipse.jetty.security.LoginService;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.jaas.JAASLoginService;
import org.eclipse.jetty.security.jaas.JAASUserPrincipal;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's login service: a login with a password goes through the JAAS entry ({@link JAASLoginService}, the
 * password step and TOTP Guard's stacked module), and a signed-in session that a node loads from the shared session
 * store is signed in again by account name alone ({@link #restore}), never with a password.
 *
 * <p>Restoring is reachable only from {@link StoredLogin}, the value {@link SessionLoginAuthenticator} put in the
 * session after a password login; {@link #login} always checks the password. So the session store is trusted as
 * it was before (whoever can write its table can forge sessions: README, "Running a cluster"), and nothing in it is
 * a password. A restore reads the account's roles (one indexed query, no hash) and refuses an account that was
 * removed or lost its roles.
 */
public final class SessionLoginService extends ContainerLifeCycle implements LoginService {

    private static final Logger LOG = LoggerFactory.getLogger(SessionLoginService.class);

    private final JAASLoginService passwordLogin;
    private final AdminAccounts accounts;

    public SessionLoginService(JAASLoginService passwordLogin, AdminAccounts accounts) {
        this.passwordLogin = Objects.requireNonNull(passwordLogin, "passwordLogin");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        addBean(passwordLogin);
    }

    @Override
    public String getName() {
        return passwordLogin.getName();
    }

    /** A login with a password (the login form): the JAAS entry checks it. */
    @Override
    public UserIdentity login(String username, Object credentials, Request request, Function<Boolean, Session> getOrCreateSession) {
        return passwordLogin.login(username, credentials, request, getOrCreateSession);
    }

    /**
     * Signs in again the account that a stored session was signed in as, without its password.
     *
     * @return the identity with the account's current roles, or {@code null} (the session is signed out) when the
     *     account is gone, has no role, or the user table cannot be read
     */
    UserIdentity restore(String name) {
        Set<String> roles;
        try {
            roles = accounts.roles(name);
        } catch (DataAccessException e) {
            LOG.warn("Could not read the account of a stored session; it is signed out", e);
            return null;
        }
        if (roles.isEmpty()) {
            LOG.info("A stored session of {} was signed out: the account no longer exists or has no role", name);
            return null;
        }
        Subject subject = new Subject();
        Principal user = new UserPrincipal(name);
        subject.getPrincipals().add(user);
        roles.forEach(role -> subject.getPrincipals().add(new RolePrincipal(role)));
        LOG.debug("Restored the login of {} from its stored session, without a password", name);
        return getIdentityService().newUserIdentity(subject, user, roles.toArray(String[]::new));
    }

    /** A stored session whose account could not be restored has no identity: refused, so Jetty signs it out. */
    @Override
    public boolean validate(UserIdentity user) {
        return user != null && passwordLogin.validate(user);
    }

    @Override
    public IdentityService getIdentityService() {
        return passwordLogin.getIdentityService();
    }

    @Override
    public void setIdentityService(IdentityService service) {
        passwordLogin.setIdentityService(service);
    }

    @Override
    public void logout(UserIdentity user) {
        // Only a JAAS login has a login context to log out of; a restored one holds nothing to release.
        if (user != null && !user.getSubject().getPrincipals(JAASUserPrincipal.class).isEmpty()) {
            passwordLogin.logout(user);
        }
    }
}
