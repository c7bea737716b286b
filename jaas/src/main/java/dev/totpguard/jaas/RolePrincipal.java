package dev.totpguard.jaas;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * A role of the user that {@link TotpLoginModule} authenticated in standalone mode, from its
 * {@link PasswordVerifier}. Containers are told its class name: Tomcat's {@code JAASRealm roleClassNames},
 * Jetty's {@code JAASLoginService roleClassNames}. Immutable.
 */
public final class RolePrincipal implements Principal, Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;

    public RolePrincipal(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RolePrincipal && name.equals(((RolePrincipal) o).name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "RolePrincipal[" + name + "]";
    }
}
