package dev.totpguard.jaas;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * A role of the user that {@link TotpLoginModule} authenticated in standalone mode, from its
 * {@link PasswordVerifier}. Containers are told its class name: Tomcat's {@code JAASRealm roleClassNames},
 * Jetty's {@code JAASLoginService roleClassNames}. A record: equal by name.
 */
public record RolePrincipal(String name) implements Principal, Serializable {

    private static final long serialVersionUID = 1L;

    public RolePrincipal {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }
}
