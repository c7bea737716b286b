package dev.totpguard.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.config.TotpGuardSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsFactoryTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:h2:file:./totpguard-data/totpguard|true",
            "jdbc:h2:./data;AUTO_SERVER=TRUE|true",
            "jdbc:h2:file:../data|true",
            "jdbc:h2:file:/var/lib/totpguard/totpguard|false",
            "jdbc:h2:~/totpguard|false",
            "jdbc:h2:mem:test|false",
            "jdbc:h2:tcp://db/./data|false",
            "jdbc:postgresql://db/./x|false"})
    void relativeH2FileIsRecognised(String url, boolean relative) {
        assertEquals(relative, SettingsFactory.relativeH2File(url).isPresent(), url);
    }

    @Test
    void theEnrollmentGraceIsReadWithEnforcementRequired() {
        TwoFactorPolicy policy = SettingsFactory.policy(Settings.of(Map.of(TotpGuardSettings.ENFORCEMENT, "REQUIRED",
                TotpGuardSettings.ENFORCEMENT_GRACE_DAYS, "14", TotpGuardSettings.ENFORCEMENT_GRACE_SIGN_INS, "5"), "context parameter"));

        assertEquals(14, policy.graceDays());
        assertEquals(5, policy.graceSignIns());
        assertTrue(policy.hasEnrollmentGrace());
        assertFalse(SettingsFactory.policy(Settings.of(Map.of(TotpGuardSettings.ENFORCEMENT, "REQUIRED"), "context parameter"))
                .hasEnrollmentGrace(), "no grace by default");
    }

    @Test
    void theAuthenticatorLimitIsReadFromOneToTwentyAndIsFiveByDefault() {
        assertEquals(5, SettingsFactory.policy(Settings.of(Map.of(), "context parameter")).maxAuthenticators());
        assertEquals(2, SettingsFactory.policy(Settings.of(Map.of(TotpGuardSettings.AUTHENTICATORS_MAX, "2"), "context parameter"))
                .maxAuthenticators());
        for (String bad : new String[] {"0", "21", "five"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SettingsFactory.policy(
                    Settings.of(Map.of(TotpGuardSettings.AUTHENTICATORS_MAX, bad), "context parameter")));
            assertTrue(refused.getMessage().contains("totpguard.authenticators.max"), refused.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "REQUIRED|totpguard.enforcement.grace.days|91|from 0 to 90",
            "REQUIRED|totpguard.enforcement.grace.days|-1|from 0 to 90",
            "REQUIRED|totpguard.enforcement.grace.sign-ins|101|from 0 to 100",
            "REQUIRED|totpguard.enforcement.grace.days|two weeks|",
            "OPTIONAL|totpguard.enforcement.grace.days|7|0 unless totpguard.enforcement is REQUIRED",
            "OPTIONAL|totpguard.enforcement.grace.sign-ins|3|0 unless totpguard.enforcement is REQUIRED"})
    void aBadGraceStopsTheStartNamingTheKey(String enforcement, String key, String value, String expected) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SettingsFactory.policy(
                Settings.of(Map.of(TotpGuardSettings.ENFORCEMENT, enforcement, key, value), "context parameter")));

        assertTrue(refused.getMessage().contains(key), refused.getMessage());
        if (expected != null) {
            assertTrue(refused.getMessage().contains(expected), refused.getMessage());
        }
    }

    @Test
    void aMisspelledGraceKeyIsRefusedNamingTheNearestOne() {
        assertEquals(TotpGuardSettings.ENFORCEMENT_GRACE_SIGN_INS, Settings.nearestKnownKey("totpguard.enforcement.grace.signins"));
    }
}
