package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CombinedPasswordTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "secret:123456|:|secret|123456",
            "pa:ss:123456|:|pa:ss|123456",
            "secret::123456|::|secret|123456",
            "secret123456||secret|123456",
            "1234567890||1234|567890",
            "secret:12ab56|:|secret|12ab56"})
    void splitsAtTheLastSeparatorOrBeforeTheLastDigits(String combined, String separator, String password, String code) {
        CombinedPassword split = CombinedPassword.split(combined.toCharArray(), separator == null ? "" : separator, 6);
        assertEquals(password, new String(split.password()));
        assertEquals(code, new String(split.code()));
        split.clear();
        assertEquals("\0".repeat(password.length()), new String(split.password()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret", ":123456", "secret:", "123456", "secret12345a", "secret12345"})
    void inputWithoutAPasswordAndACodeGivesNothing(String combined) {
        String separator = combined.contains(":") || combined.equals("secret") ? ":" : "";
        assertNull(CombinedPassword.split(combined.toCharArray(), separator, 6));
    }
}
