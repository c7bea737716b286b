package dev.totpguard.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.config.TotpGuardSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    private static Settings one(String key, Object value) {
        return Settings.of(Map.of(key, value), "context parameter");
    }

    private static void assertRefused(String key, String value, String expected, Function<Settings, ?> read) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read.apply(one(key, value)));
        assertEquals("Context parameter " + key + " = '" + value + "' is invalid: expected " + expected, e.getMessage());
    }

    @Test
    void aStringIsStrippedAndBlankCountsAsUnset() {
        assertEquals(Optional.of("Acme"), one(TotpGuardSettings.ISSUER, "  Acme ").string(TotpGuardSettings.ISSUER));
        assertEquals(Optional.empty(), one(TotpGuardSettings.ISSUER, "   ").string(TotpGuardSettings.ISSUER));
        assertEquals(Optional.empty(), Settings.of(Map.of(), "setting").string(TotpGuardSettings.ISSUER));
    }

    @Test
    void aNonStringValueIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one(TotpGuardSettings.ISSUER, 42).string(TotpGuardSettings.ISSUER));
        assertEquals("Context parameter totpguard.issuer (value not shown) is invalid: expected a text value", e.getMessage());
    }

    @Test
    void anIntegerIsReadWithinItsRange() {
        assertEquals(Optional.of(8), one(TotpGuardSettings.DIGITS, "8").integer(TotpGuardSettings.DIGITS, 6, 8));
        assertRefused(TotpGuardSettings.DIGITS, "9", "a whole number from 6 to 8", s -> s.integer(TotpGuardSettings.DIGITS, 6, 8));
        assertRefused(TotpGuardSettings.DIGITS, "six", "a whole number from 6 to 8", s -> s.integer(TotpGuardSettings.DIGITS, 6, 8));
    }

    @Test
    void aDurationIsReadInAnyCaseWithinItsRange() {
        Function<Settings, ?> read = s -> s.duration(TotpGuardSettings.FILTER_MAX_AGE, Duration.ofNanos(1), null);
        assertEquals(Optional.of(Duration.ofHours(8)), read.apply(one(TotpGuardSettings.FILTER_MAX_AGE, "pt8h")));
        assertRefused(TotpGuardSettings.FILTER_MAX_AGE, "8 hours", "a positive ISO-8601 duration such as PT30S, PT1M or PT1H", read);
        assertRefused(TotpGuardSettings.FILTER_MAX_AGE, "PT0S", "a positive ISO-8601 duration such as PT30S, PT1M or PT1H", read);
        assertRefused(TotpGuardSettings.FILTER_MAX_AGE, "-PT1S", "a positive ISO-8601 duration such as PT30S, PT1M or PT1H", read);
    }

    @Test
    void zeroIsAllowedWhereTheKeyAllowsIt() {
        Function<Settings, ?> read = s -> s.duration(TotpGuardSettings.SESSIONS_REFRESH, Duration.ZERO, Duration.ofMinutes(5));
        assertEquals(Optional.of(Duration.ZERO), read.apply(one(TotpGuardSettings.SESSIONS_REFRESH, "PT0S")));
        assertRefused(TotpGuardSettings.SESSIONS_REFRESH, "PT6M", "an ISO-8601 duration from PT0S to PT5M", read);
    }

    @Test
    void aBooleanIsTrueOrFalseInAnyCase() {
        assertEquals(Optional.of(true), one(TotpGuardSettings.SCHEMA_CREATE, "TRUE").bool(TotpGuardSettings.SCHEMA_CREATE));
        assertEquals(Optional.of(false), one(TotpGuardSettings.SCHEMA_CREATE, "false").bool(TotpGuardSettings.SCHEMA_CREATE));
        assertRefused(TotpGuardSettings.SCHEMA_CREATE, "yes", "true or false", s -> s.bool(TotpGuardSettings.SCHEMA_CREATE));
    }

    @Test
    void aChoiceIsAnEnumConstantOrAFixedWordInAnyCase() {
        assertEquals(Optional.of(TwoFactorPolicy.Enforcement.REQUIRED), one(TotpGuardSettings.ENFORCEMENT, "required")
                .choice(TotpGuardSettings.ENFORCEMENT, TwoFactorPolicy.Enforcement.class));
        assertRefused(TotpGuardSettings.ENFORCEMENT, "always", "OPTIONAL or REQUIRED",
                s -> s.choice(TotpGuardSettings.ENFORCEMENT, TwoFactorPolicy.Enforcement.class));
        assertEquals(Optional.of("one-page"), one(TotpGuardSettings.SAM_FLOW, "One-Page").word(TotpGuardSettings.SAM_FLOW, "two-step", "one-page"));
        assertRefused(TotpGuardSettings.SAM_FLOW, "three", "two-step or one-page",
                s -> s.word(TotpGuardSettings.SAM_FLOW, "two-step", "one-page"));
    }

    @Test
    void aPathIsAFilePath() {
        assertEquals(Optional.of(Path.of("/etc/totpguard.key")), one(TotpGuardSettings.KEY_FILE, "/etc/totpguard.key")
                .path(TotpGuardSettings.KEY_FILE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one(TotpGuardSettings.KEY_FILE, "a\u0000b").path(TotpGuardSettings.KEY_FILE));
        assertEquals("Context parameter totpguard.key.file = 'a?b' is invalid: expected a file path", e.getMessage());
    }

    @Test
    void aLongValueIsShortenedAndControlCharactersReplaced() {
        String value = "x".repeat(100) + "\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one(TotpGuardSettings.DIGITS, "\u001b[2J" + value).integer(TotpGuardSettings.DIGITS, 6, 8));
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
        assertTrue(e.getMessage().contains("'?[2J" + "x".repeat(76) + "...'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {TotpGuardSettings.JDBC_URL, TotpGuardSettings.JDBC_PASSWORD, TotpGuardSettings.KEYSTORE_PASSWORD})
    void aSecretIsNeverEchoed(String key) {
        Settings settings = one(key, "postgres://admin:hunter2@db/app");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings.parsed(key, "a JDBC URL", value -> { throw new IllegalArgumentException(value); }));
        assertEquals("Context parameter " + key + " (value not shown) is invalid: expected a JDBC URL", e.getMessage());
        assertFalse(e.getCause() != null && e.getCause().getMessage().contains("hunter2"), "the cause repeats the secret");
        assertEquals(Optional.of("postgres://admin:hunter2@db/app"), settings.secret(key));
        assertFalse(settings.toString().contains("hunter2"), settings.toString());
    }

    @Test
    void aMissingValueIsNamedAsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            throw Settings.of(Map.of(), "JAAS option").invalid(TotpGuardSettings.KEYSTORE_PASSWORD, "the key store's password");
        });
        assertEquals("JAAS option totpguard.keystore.password is missing: expected the key store's password", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"context parameter", "init-param", "JAAS option", "authentication module option",
            "Spring Boot property", "setting"})
    void everySourceRefusesAnUnknownKeyNamingTheNearestKnownOneAndNotTheValue(String source) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("totpguard.enforcment", "REQUIRED", "unrelated", "x"), source));
        assertTrue(e.getMessage().startsWith("Unknown " + source + " totpguard.enforcment: did you mean totpguard.enforcement?"),
                e.getMessage());
        assertFalse(e.getMessage().contains("REQUIRED"), e.getMessage());
    }

    @Test
    void aLaterSourceWinsAndIsNamedInItsMessages() {
        Settings settings = one(TotpGuardSettings.DIGITS, "7").overriddenBy(Map.of(TotpGuardSettings.DIGITS, "nine"), "init-param");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.integer(TotpGuardSettings.DIGITS, 6, 8));
        assertEquals("Init-param totpguard.digits = 'nine' is invalid: expected a whole number from 6 to 8", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> settings.overriddenBy(Map.of("totpguard.digts", "6"), "init-param"));
    }
}
