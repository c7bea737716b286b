package dev.totpguard.example.data;

/**
 * The example's own tables (administrators, audit log, settings) could not be read or written. The message
 * names the operation, never a password; the JDBC cause is chained.
 */
public final class DataAccessException extends Exception {

    private static final long serialVersionUID = 1L;

    public DataAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
