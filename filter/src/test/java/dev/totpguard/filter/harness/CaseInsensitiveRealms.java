package dev.totpguard.filter.harness;

import dev.totpguard.store.AccountKey;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.realm.RealmBase;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.RolePrincipal;
import org.eclipse.jetty.security.UserPrincipal;
import org.eclipse.jetty.util.resource.Resource;

/**
 * Deliberately case- and accent-insensitive realms over the users of realm.properties, as a user table in MariaDB's
 * default collation, LDAP or Active Directory behind Tomcat's DataSourceRealm/JNDIRealm are: any spelling of a
 * user name (same {@link AccountKey}) signs in with that user's password, and the principal carries the name
 * <em>as typed</em>, which is what those realms hand to {@code getRemoteUser()}.
 */
final class CaseInsensitiveRealms {

    private CaseInsensitiveRealms() {
    }

    static String storedName(Properties users, String typed) {
        for (String user : users.stringPropertyNames()) {
            if (AccountKey.sameAccount(user, typed)) {
                return user;
            }
        }
        return null;
    }

    /** Jetty 12: a HashLoginService that finds users by any spelling and answers with the typed name. */
    static final class Jetty extends HashLoginService {
        private final Properties users = WebContainer.Deployment.realm();

        Jetty(String name, Resource config) {
            super(name, config);
        }

        @Override
        protected UserPrincipal loadUserInfo(String username) {
            String stored = storedName(users, username);
            UserPrincipal real = stored == null ? null : super.loadUserInfo(stored);
            if (real == null) {
                return null;
            }
            return new UserPrincipal(username, null) {
                private static final long serialVersionUID = 1L;

                @Override
                public boolean authenticate(Object credentials) {
                    return real.authenticate(credentials);
                }
            };
        }

        @Override
        protected List<RolePrincipal> loadRoleInfo(UserPrincipal user) {
            String stored = storedName(users, user.getName());
            return stored == null ? List.of() : super.loadRoleInfo(super.loadUserInfo(stored));
        }
    }

    /** Tomcat 11: a realm that finds users by any spelling and answers with the typed name. */
    static final class Tomcat extends RealmBase {
        private final Properties users = WebContainer.Deployment.realm();

        @Override
        protected String getPassword(String username) {
            String stored = storedName(users, username);
            return stored == null ? null : users.getProperty(stored).split(",")[0].strip();
        }

        @Override
        protected Principal getPrincipal(String username) {
            String stored = storedName(users, username);
            if (stored == null) {
                return null;
            }
            String[] passwordAndRoles = users.getProperty(stored).split(",");
            List<String> roles = new ArrayList<>();
            for (int i = 1; i < passwordAndRoles.length; i++) {
                roles.add(passwordAndRoles[i].strip());
            }
            return new GenericPrincipal(username, roles);
        }
    }
}
