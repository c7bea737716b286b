package dev.totpguard.example.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Where the launcher talks to a person: standard output for results, standard error for problems, and
 * passwords read from the console without echo, or one line a password from standard input when there is no
 * console (scripts, tests). Not thread-safe; one per run.
 */
final class Terminal {

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Console console;
    private final Map<String, String> environment;
    private BufferedReader stdinLines;

    Terminal(PrintStream out, PrintStream err, InputStream in, Console console, Map<String, String> environment) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.in = Objects.requireNonNull(in, "in");
        this.console = console;
        this.environment = Map.copyOf(environment);
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Map<String, String> environment() {
        return environment;
    }

    /**
     * Asks for a new password twice on a console, or reads one line from standard input.
     *
     * @return the password, or {@code null} when standard input is empty or the two entries differ (reported)
     */
    char[] newPassword(String prompt) throws IOException {
        if (console != null) {
            char[] first = console.readPassword("%s: ", prompt);
            char[] second = console.readPassword("Type it again: ");
            if (first == null || second == null) {
                return null;
            }
            if (!java.util.Arrays.equals(first, second)) {
                java.util.Arrays.fill(first, '\0');
                java.util.Arrays.fill(second, '\0');
                err.println("The two passwords differ; nothing was changed.");
                return null;
            }
            java.util.Arrays.fill(second, '\0');
            return first;
        }
        if (stdinLines == null) {
            stdinLines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        String line = stdinLines.readLine();
        return line == null || line.isEmpty() ? null : line.toCharArray();
    }
}
