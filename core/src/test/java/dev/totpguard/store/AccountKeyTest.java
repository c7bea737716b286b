package dev.totpguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fold that tells which spellings a case- and accent-insensitive directory accepts for one account. */
class AccountKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"admin", "ADMIN", "Admin", "aDmIn", "ádmin", "ÁDMIN", "àdmîn", "admın", "ADMİN", "ＡＤＭＩＮ",
        "ａｄｍｉｎ", " admin ", "\tadmin\n", "\u3000admin\u3000", "a\u200Bdmin", "a\u00ADdmin", "a\u0301dmin", "admin\u200D"})
    void spellingsOfAdminFoldToAdmin(String spelling) {
        assertEquals("admin", AccountKey.fold(spelling));
        assertEquals(AccountKey.of("admin"), AccountKey.of(spelling));
        assertTrue(AccountKey.sameAccount("admin", spelling));
    }

    @Test
    void specialCaseMappingsMeetTheirAsciiSpelling() {
        assertEquals("strasse", AccountKey.fold("STRAßE"));
        assertEquals("file", AccountKey.fold("ﬁle"));
        assertEquals("install", AccountKey.fold("İNSTALL"));
        assertEquals("kelvin", AccountKey.fold("\u212Aelvin"));
        assertEquals("sam", AccountKey.fold("ſam"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin2", "adm in", "admins", "root", "bob"})
    void differentNamesStayDifferent(String other) {
        assertFalse(AccountKey.sameAccount("admin", other));
        assertNotEquals(AccountKey.of("admin"), AccountKey.of(other));
    }

    @Test
    void keyIsSixtyFourHexDigitsWhateverTheName() {
        String huge = "\uFDFA".repeat(255);
        assertTrue(AccountKey.of(huge).matches("[0-9a-f]{64}"));
        assertTrue(AccountKey.of("x").matches("[0-9a-f]{64}"));
    }
}
