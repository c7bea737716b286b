package dev.totpguard.store;

import dev.totpguard.otp.Totp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One of an account's authenticators beyond the first, as a {@link CredentialStore} keeps it (issue 17): the first
 * authenticator is the credential's own active secret ({@link StoredCredential#active()}), every further one is a
 * row of this kind with its own sealed secret, parameters, label, last used step and generation. The failure count
 * and the lock stay on the credential, one for all of the account's authenticators.
 *
 * <p>A pending one ({@code confirmedAt} empty) is an addition that waits for its first code; its secret carries the
 * {@linkplain SecretRecord#nonceHash() nonce hash} of the session that started it. Immutable; holds no plaintext.
 *
 * @param id random public id, unique per user: 1 to {@value #MAX_ID_LENGTH} characters of {@code [A-Za-z0-9_-]}
 * @param secret the sealed secret with its parameters, label and creation time
 * @param confirmedAt when the addition was confirmed; {@code null} while it is pending
 * @param lastUsedStep the time step of its last accepted code, or {@link Totp#NO_STEP_USED}
 * @param generation changes when it becomes active and is never given twice to one user; its last-used-step
 *     compare-and-set checks it. 0 while pending
 */
public record StoredAuthenticator(String id, SecretRecord secret, Instant confirmedAt, long lastUsedStep, long generation) {

    /** Longest id a store must hold. */
    public static final int MAX_ID_LENGTH = 32;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_ID_LENGTH + "}");

    /** @throws IllegalArgumentException for a malformed id, or an active one whose secret still carries a nonce hash */
    public StoredAuthenticator {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        if (!isValidId(id)) {
            throw new IllegalArgumentException("An authenticator id has 1 to " + MAX_ID_LENGTH + " characters of [A-Za-z0-9_-]");
        }
        if (confirmedAt != null && secret.nonceHash().isPresent()) {
            throw new IllegalArgumentException("An active authenticator is bound to no enrollment nonce");
        }
    }

    /** A pending addition: not confirmed, no step used, generation 0. */
    public static StoredAuthenticator pending(String id, SecretRecord secret) {
        return new StoredAuthenticator(id, secret, null, Totp.NO_STEP_USED, 0);
    }

    /** Whether {@code id} is well-formed; ids from a form are checked with this before they reach the store. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public boolean isActive() {
        return confirmedAt != null;
    }

    public Optional<Instant> confirmed() {
        return Optional.ofNullable(confirmedAt);
    }

    /** The same authenticator with another sealing of its secret (key rotation). */
    StoredAuthenticator withSecret(SecretRecord resealed) {
        return new StoredAuthenticator(id, resealed, confirmedAt, lastUsedStep, generation);
    }

    @Override
    public String toString() {
        return "StoredAuthenticator[" + id + ", " + (isActive() ? "ACTIVE" : "PENDING") + ", last step " + lastUsedStep + "]";
    }
}
