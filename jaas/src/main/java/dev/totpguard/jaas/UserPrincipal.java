package dev.totpguard.jaas;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * The user that {@link TotpLoginModule} authenticated in standalone mode (password and code). Containers
 * are told its class name: Tomcat's {@code JAASRealm userClassNames}; Jetty's {@code JAASLoginService} makes
 * its own user principal and needs nothing. A record: equal by name.
 */
public record UserPrincipal(String name) implements Principal, Serializable {

    private static final long serialVersionUID = 1L;

    public UserPrincipal {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }
}
