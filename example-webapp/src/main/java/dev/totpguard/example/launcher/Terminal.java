package dev.totpguard.example.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
     * Whether standard input and output are a terminal, so that what is printed is seen by the person at it rather
     * than kept by a log file, a pipe or a service manager's journal.
     */
    boolean isInteractive() {
        if (console == null) {
            return false;
        }
        // From Java 22 System.console() returns a console for redirected streams too; its isTerminal() (Java 22+)
        // tells them apart. Before 22 a console exists only for a terminal.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Cannot tell: treat the output as kept somewhere, so no password is printed to it.
            return false;
        }
    }

    /**
     * Asks for a new password twice on a console, or reads one line from standard input.
     *
     * @return the password, or {@code null} when nothing was typed (end of input or an empty line)
     * @throws StartupException when the two entries on the console differ
     */
    char[] newPassword(String prompt) throws IOException, StartupException {
        if (console != null) {
            char[] first = console.readPassword("%s: ", prompt);
            char[] second = first == null ? null : console.readPassword("Type it again: ");
            if (first == null || second == null) {
                return null;
            }
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new StartupException("The two passwords differ; nothing was changed.");
            }
            return first.length == 0 ? null : first;
        }
        if (stdinLines == null) {
            stdinLines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        String line = stdinLines.readLine();
        return line == null || line.isEmpty() ? null : line.toCharArray();
    }
}
