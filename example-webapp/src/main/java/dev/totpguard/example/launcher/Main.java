package dev.totpguard.example.launcher;

import java.util.List;

/**
 * Entry point of {@code totpguard-example.jar}: starts the example admin web application on embedded Jetty, or
 * runs an admin command ({@code admin list|add|set-password|reset-2fa}, {@code keys rotate}) on the same database.
 *
 * <p>Exit status: 0 for success, 1 when a command could not do its work (for example an unknown administrator),
 * 2 for a usage or start-up error (bad flag, busy port, unreachable database, missing key file). Every error is a
 * plain message on standard error, never only a stack trace.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

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
            terminal.err().println("Error: " + e.getMessage());
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
            terminal.err().println("Error: " + e.getMessage());
            return USAGE;
        } catch (RuntimeException e) {
            // A bug, not a user error: still say plainly what happened, then give the details.
            terminal.err().println("Error: unexpected failure: " + e);
            e.printStackTrace(terminal.err());
            return FAILED;
        }
    }
}
