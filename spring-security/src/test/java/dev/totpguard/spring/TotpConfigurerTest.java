package dev.totpguard.spring;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pages path is a plain path below the context: no dot segments, no empty segments, nothing to normalise. */
class TotpConfigurerTest {

    @ParameterizedTest
    @ValueSource(strings = { "", "totpguard", "/", "/totpguard/", "//totpguard", "/a/../b", "/.hidden", "/a b",
            "/a;x", "/%61", "/a\\b" })
    void aPagesPathThatIsNotAPlainPathIsRefused(String path) {
        assertThrows(IllegalArgumentException.class, () -> TotpConfigurer.totp().pagesPath(path));
    }

    @Test
    void plainPathsAreTaken() {
        TotpConfigurer.totp().pagesPath("/totpguard").pagesPath("/account/mfa-totp").pagesPath("/v1.2/totp");
    }

    @Test
    void aMissingServiceIsRefusedAtOnce() {
        assertThrows(NullPointerException.class, () -> TotpConfigurer.totp().service(null));
    }
}
