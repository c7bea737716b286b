package dev.totpguard.spring;

import dev.totpguard.internal.config.InvalidSettingException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused TOTP Guard setting into Spring Boot's "APPLICATION FAILED TO START" report: the message (which names
 * the key and the expected form, never a secret value) and what to do, without the stack trace of bean creation that
 * buried it (about 110 lines for a misspelled {@code TOTPGUARD_*} variable). Boot finds it in
 * {@code META-INF/spring.factories}; the trace is still logged at DEBUG.
 */
final class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
        return new FailureAnalysis("TOTP Guard refused its configuration: " + cause.getMessage(),
                "Correct or remove the setting named above (environment variable, system property or application"
                        + " property) and start again; the settings are listed in TOTP Guard's spring-security README.",
                cause);
    }
}
