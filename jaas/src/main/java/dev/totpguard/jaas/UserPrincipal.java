package dev.totpguard.jaas;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * The user that {@link TotpLoginModule} authenticated in standalone mode (password and code). Containers
 * are told its class name: Tomcat's {@code JAASRealm userClassNames}; Jetty's {@code JAASLoginService} makes
 * its own user principal and needs nothing. Immutable.
 */
public final class UserPrincipal implements Principal, Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;

    public UserPrincipal(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserPrincipal && name.equals(((UserPrincipal) o).name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "UserPrincipal[" + name + "]";
    }
}
