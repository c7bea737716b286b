package dev.totpguard;

import dev.totpguard.internal.config.SettingsFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.otp.HmacAlgorithm;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TwoFactorPolicyTest {

    @Test
    void defaultsAreTheSafeCommonOnes() {
        TwoFactorPolicy policy = SettingsFactory.policy(Settings.of(Map.of(), "setting"));

        assertEquals(TwoFactorPolicy.defaults(), policy);
        assertEquals(HmacAlgorithm.SHA1, policy.parameters().algorithm());
        assertEquals(6, policy.parameters().digits());
        assertEquals(30, policy.parameters().periodSeconds());
        assertEquals(1, policy.stepsBack());
        assertEquals(1, policy.stepsAhead());
        assertEquals(20, policy.secretBytes());
        assertEquals(10, policy.recoveryCodeCount());
        assertEquals(TwoFactorPolicy.Enforcement.OPTIONAL, policy.enforcement());
        assertEquals(5, policy.maxFailures());
        assertEquals(Duration.ofMinutes(1), policy.lockoutBase());
        assertEquals(Duration.ofHours(1), policy.lockoutMax());
        assertEquals(50, policy.maxFailuresPerAddress());
        assertEquals(Duration.ofMinutes(15), policy.addressWindow());
        assertEquals("TOTP Guard", policy.issuer());
    }

    @Test
    void everyKeyIsRead() {
        Properties properties = new Properties();
        properties.setProperty(TotpGuardSettings.ISSUER, "Acme Admin");
        properties.setProperty(TotpGuardSettings.ENFORCEMENT, "required");
        properties.setProperty(TotpGuardSettings.ALGORITHM, "sha256");
        properties.setProperty(TotpGuardSettings.DIGITS, "8");
        properties.setProperty(TotpGuardSettings.PERIOD, "60");
        properties.setProperty(TotpGuardSettings.WINDOW, "2");
        properties.setProperty(TotpGuardSettings.WINDOW_AHEAD, "0");
        properties.setProperty(TotpGuardSettings.SECRET_BYTES, "32");
        properties.setProperty(TotpGuardSettings.RECOVERY_COUNT, "12");
        properties.setProperty(TotpGuardSettings.LOCKOUT_FAILURES, "10");
        properties.setProperty(TotpGuardSettings.LOCKOUT_BASE, "PT30S");
        properties.setProperty(TotpGuardSettings.LOCKOUT_MAX, "PT2H");
        properties.setProperty(TotpGuardSettings.ADDRESS_FAILURES, "0");
        properties.setProperty(TotpGuardSettings.ADDRESS_WINDOW, "PT5M");
        properties.setProperty(TotpGuardSettings.FILTER_PROTECTED, "/another/module/*");

        TwoFactorPolicy policy = SettingsFactory.policy(Settings.of(asMap(properties), "setting"));

        assertEquals("Acme Admin", policy.issuer());
        assertEquals(TwoFactorPolicy.Enforcement.REQUIRED, policy.enforcement());
        assertEquals(HmacAlgorithm.SHA256, policy.parameters().algorithm());
        assertEquals(8, policy.parameters().digits());
        assertEquals(60, policy.parameters().periodSeconds());
        assertEquals(2, policy.stepsBack());
        assertEquals(0, policy.stepsAhead());
        assertEquals(32, policy.secretBytes());
        assertEquals(12, policy.recoveryCodeCount());
        assertEquals(10, policy.maxFailures());
        assertEquals(Duration.ofSeconds(30), policy.lockoutBase());
        assertEquals(Duration.ofHours(2), policy.lockoutMax());
        assertEquals(0, policy.maxFailuresPerAddress());
        assertEquals(Duration.ofMinutes(5), policy.addressWindow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "totpguard.digits         | 9      | 6 to 8",
        "totpguard.digits         | six    | 6 to 8",
        "totpguard.period         | 0      | 1 to 3600",
        "totpguard.window         | 11     | 0 to 10",
        "totpguard.window.back    | -1     | 0 to 10",
        "totpguard.secret.bytes   | 10     | 16 to 128",
        "totpguard.recovery.count | 0      | 1 to 50",
        "totpguard.lockout.failures | 101  | 1 to 100",
        "totpguard.lockout.base   | 60     | ISO-8601",
        "totpguard.lockout.max    | PT0S   | ISO-8601",
        "totpguard.address.window | often  | ISO-8601",
        "totpguard.algorithm      | MD5    | SHA1, SHA256 or SHA512",
        "totpguard.enforcement    | always | OPTIONAL or REQUIRED",
        "totpguard.issuer         | a:b    | without a colon",
        "totpguard.sessions.refresh | PT6M | PT0S to PT5M",
        "totpguard.sessions.refresh | 10s  | ISO-8601",
        "totpguard.sessions.refresh | -PT1S | ISO-8601"
    })
    void badValueNamesTheKeyAndTheExpectedForm(String key, String value, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SettingsFactory.policy(Settings.of(Map.of(key, value), "setting")));

        assertTrue(error.getMessage().contains(key), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void sessionRevocationsAreRefreshedEveryTenSecondsByDefaultOrAsSet() {
        assertEquals(Duration.ofSeconds(10), TwoFactorPolicy.defaults().sessionRefresh());
        assertEquals(Duration.ZERO, SettingsFactory.policy(Settings.of(Map.of("totpguard.sessions.refresh", "PT0S"), "setting")).sessionRefresh());
        assertEquals(Duration.ofMinutes(5), SettingsFactory.policy(Settings.of(Map.of("totpguard.sessions.refresh", "PT5M"), "setting")).sessionRefresh());
    }

    @Test
    void lockoutMaxShorterThanBaseIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SettingsFactory.policy(Settings.of(
                Map.of(TotpGuardSettings.LOCKOUT_BASE, "PT10M", TotpGuardSettings.LOCKOUT_MAX, "PT5M"), "setting")));

        assertTrue(error.getMessage().contains(TotpGuardSettings.LOCKOUT_MAX), error.getMessage());
    }

    @Test
    void lockoutBaseAboveTheDefaultCapIsRefusedNamingTheBase() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SettingsFactory.policy(Settings.of(
                Map.of(TotpGuardSettings.LOCKOUT_BASE, "PT2H"), "setting")));

        assertTrue(error.getMessage().contains(TotpGuardSettings.LOCKOUT_BASE), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"4, ", "5, PT1M", "6, PT2M", "7, PT4M", "10, PT32M", "11, PT1H", "12, PT1H", "1000, PT1H"})
    void lockGrowsByDoublingFromTheThresholdUpToTheCap(int failures, String expected) {
        Optional<Duration> lock = TwoFactorPolicy.defaults().lockoutAfter(failures);

        assertEquals(Optional.ofNullable(expected).map(Duration::parse), lock);
    }

    @Test
    void builderRefusesWeakSecrets() {
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().secretBytes(15));
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().maxFailures(0));
        assertThrows(IllegalArgumentException.class, () -> TwoFactorPolicy.builder().lockout(Duration.ofMinutes(2), Duration.ofMinutes(1)));
    }

    private static Map<String, String> asMap(Properties properties) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            settings.put(name, properties.getProperty(name));
        }
        return settings;
    }
}
