package dev.totpguard.example.launcher;

/**
 * The command line cannot be used as given: an unknown flag, a missing or malformed value, an unknown command.
 * The message is meant for the person at the terminal; the launcher prints it and exits with status 2.
 */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
