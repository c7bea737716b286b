package dev.totpguard.filter.harness;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Everything the server side logs through java.util.logging while it is open (TOTP Guard's loggers at every
 * level, the others at their configured level): the filter's logger, the
 * core's {@code System.Logger} audit lines (the JDK routes System.Logger to java.util.logging), Tomcat,
 * and any stack trace attached to a record, each as one formatted text. Used to assert that no secret,
 * otpauth URI, code or recovery code ever reaches a log (attack case 25).
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    /** TOTP Guard's own loggers, opened down to FINEST (held, so the level sticks). */
    private final Logger project = Logger.getLogger("dev.totpguard");
    private final Level previousLevel;
    private final List<String> records = new ArrayList<>();

    private LogCapture() {
        previousLevel = project.getLevel();
        setLevel(Level.ALL);
        root.addHandler(this);
        // Records below a logger's level are never created; the project's FINE lines could leak as well as INFO ones.
        project.setLevel(Level.ALL);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder text = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + ": ");
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        try {
            text.append(parameters == null || parameters.length == 0 || message == null ? message
                    : MessageFormat.format(message, parameters));
        } catch (IllegalArgumentException e) {
            text.append(message);
        }
        if (parameters != null) {
            for (Object parameter : parameters) {
                text.append(" | ").append(parameter);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        synchronized (records) {
            records.add(text.toString());
        }
    }

    /** A copy of the records so far. */
    public List<String> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /**
     * The records containing any of the values (case-insensitive), or {@code otpauth:}; a value made only of
     * digits counts only where no digit touches it, so a 6-digit code does not match inside a timestamp.
     */
    public List<String> leaks(Collection<String> sensitive) {
        List<Pattern> patterns = new ArrayList<>();
        patterns.add(Pattern.compile("otpauth:", Pattern.CASE_INSENSITIVE));
        for (String value : sensitive) {
            if (value == null || value.isBlank()) {
                continue;
            }
            String quoted = Pattern.quote(value);
            patterns.add(Pattern.compile(value.chars().allMatch(Character::isDigit) ? "(?<![0-9])" + quoted + "(?![0-9])" : quoted,
                    Pattern.CASE_INSENSITIVE));
        }
        List<String> found = new ArrayList<>();
        for (String record : records()) {
            for (Pattern pattern : patterns) {
                if (pattern.matcher(record).find()) {
                    found.add(record);
                    break;
                }
            }
        }
        return found;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        project.setLevel(previousLevel);
    }
}
