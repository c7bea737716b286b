package dev.totpguard.example.launcher;

/**
 * The launcher cannot start or cannot reach what a command needs: the port is busy, the database is unreachable,
 * the key file is missing. The message says what and what to do; it never carries a password.
 */
final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
