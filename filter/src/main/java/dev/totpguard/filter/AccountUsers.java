package dev.totpguard.filter;

import dev.totpguard.AccountResolver;
import dev.totpguard.store.StoreException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;

/**
 * The signed-in user as the filter keys everything on: the {@link UserResolver}'s name mapped by the
 * {@link AccountResolver} to the account's canonical id. The mapping runs once per login name and session: the
 * result is kept in the session ({@link Resolved}, bound to the name it was made for), so the hot path reads one
 * more session attribute and never the database. A name the resolver does not know, or a resolver that fails,
 * counts as nobody signed in (fail closed): protected paths answer 403 and the filter's pages send the browser to
 * sign in. Immutable and thread-safe.
 */
final class AccountUsers implements UserResolver {

    static final String RESOLVED = "dev.totpguard.filter.account";

    private final UserResolver logins;
    private final AccountResolver accounts;

    private AccountUsers(UserResolver logins, AccountResolver accounts) {
        this.logins = logins;
        this.accounts = accounts;
    }

    /** {@code logins} itself when {@code accounts} is null (the name as given), else the mapping. */
    static UserResolver of(UserResolver logins, AccountResolver accounts) {
        return accounts == null ? logins : new AccountUsers(logins, accounts);
    }

    @Override
    public String user(HttpServletRequest request) {
        String login = logins.user(request);
        if (login == null) {
            return null;
        }
        HttpSession session = request.getSession(false);
        Object held = session == null ? null : session.getAttribute(RESOLVED);
        if (held instanceof Resolved && ((Resolved) held).login.equals(login)) {
            return ((Resolved) held).account;
        }
        Optional<String> account;
        try {
            account = accounts.account(login);
        } catch (StoreException | RuntimeException e) {
            FilterCore.LOG.log(Level.WARNING, "Cannot map user name " + login + " to its account; treated as not signed in", e);
            return null;
        }
        if (account.isEmpty() || account.get().isEmpty()) {
            FilterCore.LOG.log(Level.WARNING, "User name {0} names no single account; treated as not signed in", login);
            return null;
        }
        request.getSession().setAttribute(RESOLVED, new Resolved(login, account.get()));
        return account.get();
    }

    /** One login name and the account it was mapped to; replicated with the session. */
    static final class Resolved implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String login;
        private final String account;

        Resolved(String login, String account) {
            this.login = Objects.requireNonNull(login, "login");
            this.account = Objects.requireNonNull(account, "account");
        }

        @Override
        public String toString() {
            return "Resolved[" + login + " -> " + account + "]";
        }
    }
}
