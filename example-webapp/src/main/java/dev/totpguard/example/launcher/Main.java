package dev.totpguard.example.launcher;

import java.util.List;

/**
 * Entry point of {@code totpguard-example.jar}: starts the example admin web application on embedded Jetty, or
 * runs an admin command ({@code admin list|add|set-password|reset-2fa}, {@code keys rotate}) on the same database.
 *
 * <p>Exit status: 0 for success; 2 for a usage error, a command line that cannot be used as given (an unknown flag
 * or command, a malformed value); 1 when the launcher refuses or fails to do what it was asked (a busy port, an
 * unreachable database, a missing key file, an unknown administrator, a password too short). Every error is one
 * plain line on standard error that starts with {@value #ERROR_PREFIX}, never only a stack trace.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** The start of every error line, whichever part of the launcher reports it. */
    static final String ERROR_PREFIX = "Error: ";

    private Main() {
    }

    public static void main(String[] args) {
        Terminal terminal = new Terminal(System.out, System.err, System.in, System.console(), System.getenv());
        int status = run(args, terminal);
        if (status != OK) {
            System.exit(status);
        }
    }

    /** Runs the launcher; when it starts the server it returns only after the server has stopped. */
    static int run(String[] args, Terminal terminal) {
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args, terminal.environment());
        } catch (UsageException e) {
            printError(terminal, e.getMessage());
            return USAGE;
        }
        if (options.help()) {
            terminal.out().print(LauncherOptions.USAGE);
            return OK;
        }
        List<String> command = options.command();
        try {
            if (command.isEmpty()) {
                return ExampleServer.run(options, terminal);
            }
            return AdminCommands.run(options, terminal);
        } catch (StartupException e) {
            // Refused, not misused: the command line was fine, what it asked for cannot be done.
            printError(terminal, e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            // A bug, not a user error: still say plainly what happened, then give the details.
            printError(terminal, "Unexpected failure: " + e);
            e.printStackTrace(terminal.err());
            return FAILED;
        }
    }

    /** Prints {@code message} as the launcher's one kind of error line: {@value #ERROR_PREFIX} and a sentence. */
    static void printError(Terminal terminal, String message) {
        terminal.err().println(ERROR_PREFIX + message);
    }
}
