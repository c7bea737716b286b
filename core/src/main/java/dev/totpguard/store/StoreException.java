package dev.totpguard.store;

/**
 * The credential store or its key ring failed: the database is unreachable or refused a statement, a key
 * file is missing or malformed, or a stored secret cannot be decrypted (wrong key, another user's row, a
 * tampered row).
 *
 * <p>Callers fail closed on it. The cause is always chained; the message names the operation and the user
 * but never contains a secret, a code, a recovery code or key material.
 */
public class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
