package dev.totpguard;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One authenticator (an app or device with its own secret) of an account, as pages list it: every one alike, whether
 * the store keeps it as the credential's own secret or as a further one ({@link TwoFactorService#authenticators}).
 * Holds nothing secret.
 *
 * @param id public id for removing it ({@link TwoFactorService#removeAuthenticator}); stable while it exists
 * @param label what the user called it ("iPhone"), empty if nothing
 * @param addedAt when it was confirmed
 * @param lastUsedAt the start of the time step of its last accepted code, empty if none was accepted since it was added
 */
public record Authenticator(String id, Optional<String> label, Instant addedAt, Optional<Instant> lastUsedAt) {

    public Authenticator {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(addedAt, "addedAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    }
}
