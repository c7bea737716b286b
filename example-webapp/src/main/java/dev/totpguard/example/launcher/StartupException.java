package dev.totpguard.example.launcher;

/**
 * The launcher refuses or fails to do what it was asked, although the command line was right: the port is busy, the
 * database is unreachable, the key file is missing, the two entries of a new password differ. The message is a
 * sentence that says what and what to do, printed after {@code Error: } with exit status 1; it never carries a password.
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
