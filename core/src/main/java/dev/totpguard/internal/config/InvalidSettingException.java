package dev.totpguard.internal.config;

/**
 * A setting refused at start: unknown, misspelled, given twice, of the wrong form, or missing. The message names the
 * key (never a secret value) and says what is expected, and is all an operator needs: a Spring Boot application shows
 * it without a stack trace (the Spring module's failure analyzer), a container logs it with the filter's or module's
 * name. An {@link IllegalArgumentException}, as these errors always were, so that existing handlers still catch it.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String message) {
        super(message);
    }
}
