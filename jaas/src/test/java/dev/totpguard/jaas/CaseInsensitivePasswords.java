package dev.totpguard.jaas;

import dev.totpguard.store.AccountKey;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * A deliberately case- and accent-insensitive user source, as MariaDB's default collation, LDAP or Active Directory
 * are: any spelling whose {@link AccountKey} matches a known name is accepted with that account's password. It can
 * answer with the stored name (a correct source) or echo the typed one (as Tomcat's DataSourceRealm does), to prove
 * that TOTP Guard stays closed either way.
 */
final class CaseInsensitivePasswords implements PasswordVerifier {

    private final Map<String, String> passwords;
    private final boolean echoTypedName;

    CaseInsensitivePasswords(Map<String, String> passwords, boolean echoTypedName) {
        this.passwords = Map.copyOf(passwords);
        this.echoTypedName = echoTypedName;
    }

    @Override
    public Optional<VerifiedAccount> verify(String user, char[] password) {
        for (Map.Entry<String, String> entry : passwords.entrySet()) {
            if (AccountKey.sameAccount(entry.getKey(), user) && Arrays.equals(entry.getValue().toCharArray(), password)) {
                return Optional.of(new VerifiedAccount(echoTypedName ? user : entry.getKey(), Set.of("admin")));
            }
        }
        return Optional.empty();
    }

    /**
     * The same source as the first module of a JAAS stack: it accepts any spelling and, like many password modules,
     * puts the name <em>as typed</em> into the shared state for the TOTP module after it. Option {@code users} is
     * the {@link CaseInsensitivePasswords} to ask.
     */
    public static final class Module implements LoginModule {
        private CallbackHandler handler;
        private Map<String, Object> shared;
        private PasswordVerifier verifier;

        @Override
        @SuppressWarnings("unchecked")
        public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState, Map<String, ?> options) {
            this.handler = handler;
            this.shared = (Map<String, Object>) sharedState;
            this.verifier = (PasswordVerifier) options.get("users");
        }

        @Override
        public boolean login() throws LoginException {
            NameCallback name = new NameCallback("Username");
            PasswordCallback password = new PasswordCallback("Password", false);
            try {
                handler.handle(new Callback[] {name, password});
                if (name.getName() == null || verifier.verify(name.getName(), password.getPassword()).isEmpty()) {
                    throw new FailedLoginException("wrong password");
                }
            } catch (LoginException e) {
                throw e;
            } catch (Exception e) {
                throw new LoginException(e.toString());
            }
            shared.put(CallbackInput.SHARED_NAME, name.getName());
            return true;
        }

        @Override
        public boolean commit() {
            return true;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }
    }
}
