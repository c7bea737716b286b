package dev.totpguard.config;

import dev.totpguard.internal.config.Settings;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpGuardSettingsTest {

    @Test
    void everyDeclaredKeyOfEveryModuleIsKnown() {
        Set<String> known = TotpGuardSettings.knownKeys();
        for (String key : List.of(TotpGuardSettings.ENFORCEMENT, TotpGuardSettings.JDBC_PASSWORD,
                TotpGuardSettings.FILTER_PROTECTED, TotpGuardSettings.FILTER_AFTER, TotpGuardSettings.JAAS_MODE,
                TotpGuardSettings.SAM_FLOW, TotpGuardSettings.FILTER_PAGE_PREFIX + "token")) {
            assertTrue(known.contains(key), key);
        }
        assertFalse(known.contains(TotpGuardSettings.FILTER_PAGE_PREFIX), "a prefix is not a key");
        assertFalse(known.contains(TotpGuardSettings.DEFAULT_JDBC_URL), "a default value is not a key");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "totpguard.enforcment, totpguard.enforcement",
        "totpguard.jdbc.pasword, totpguard.jdbc.password",
        "totpguard.filter.protect, totpguard.filter.protected",
        "totpguard.key.fiel, totpguard.key.file",
    })
    void aMisspelledKeyIsRefusedNamingItAndTheNearestKnownOne(String misspelled, String nearest) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.refuseUnknownKeys(Set.of(misspelled), Set.of(), "context parameter"));
        assertTrue(e.getMessage().contains("Unknown context parameter " + misspelled + ": did you mean " + nearest + "?"),
                e.getMessage());
    }

    @Test
    void keysOutsideTotpGuardAndKeysAModuleAddsPass() {
        assertDoesNotThrow(() -> Settings.refuseUnknownKeys(
                Set.of("use_first_pass", "debug", "totpguard.jaas.service", "totpguard.enforcement"),
                Set.of("totpguard.jaas.service"), "JAAS option"));
    }

    @Test
    void aServiceFromSettingsRefusesAMisspelledEnforcementInsteadOfRunningOptional() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TwoFactorServiceFactory.fromSettings(Map.of("totpguard.enforcment", "REQUIRED")));
        assertTrue(e.getMessage().contains("totpguard.enforcment"), e.getMessage());
        assertTrue(e.getMessage().contains("totpguard.enforcement"), e.getMessage());
        assertFalse(e.getMessage().contains("REQUIRED"), "values are never echoed: " + e.getMessage());
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, Settings.editDistance("abc", "abc"));
        assertEquals(1, Settings.editDistance("abc", "abxc"));
        assertEquals(1, Settings.editDistance("abc", "ac"));
        assertEquals(1, Settings.editDistance("abc", "abd"));
        assertEquals(3, Settings.editDistance("", "abc"));
    }
}
