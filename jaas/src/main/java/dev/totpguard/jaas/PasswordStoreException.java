package dev.totpguard.jaas;

/**
 * The user source of a {@link PasswordVerifier} (a file, a database) could not be read. Callers fail closed.
 * The message names the source, never a password or hash; the cause is chained.
 */
public class PasswordStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public PasswordStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
