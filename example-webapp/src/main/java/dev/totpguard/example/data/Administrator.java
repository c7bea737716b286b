package dev.totpguard.example.data;

import java.time.Instant;
import java.util.Objects;

/**
 * An administrator's profile as shown on the Administrators page: user name (the login name), full name and
 * e-mail address. The password hash lives in the login module's user table, the second factor in the
 * credential store; neither is part of this value. Immutable.
 */
public record Administrator(String username, String name, String email, Instant createdAt) {

    public Administrator {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
