package dev.totpguard.jaspic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.security.auth.message.AuthException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAuthModuleOptionsTest {

    @Test
    void aMisspelledPropertyStopsTheModuleNamingTheNearestKey() {
        Map<String, String> options = Map.of(
                "totpguard.jaas.password.source", "properties",
                "totpguard.jaas.password.file", "/nonexistent/users.properties",
                "totpguard.enforcment", "REQUIRED",
                "totpguard.jdbc.pasword", "secret-value");
        AuthException e = assertThrows(AuthException.class,
                () -> new TotpServerAuthModule().initialize(null, null, null, options));
        String why = assertOnlyTheLogSaysWhy(e);
        assertTrue(why.contains("totpguard.enforcment: did you mean totpguard.enforcement?")
                || why.contains("totpguard.jdbc.pasword: did you mean totpguard.jdbc.password?"), why);
        assertFalse(why.contains("secret-value"), why);
    }

    @Test
    void keysThisModuleCannotApplyStopItWithAMessage() {
        // The module checks the password itself and keys the second factor on the stored name: no account query here.
        // And it never lets a user without a second factor in, so not-enrolled=enroll is refused too.
        for (Map.Entry<String, String> key : Map.of(
                "totpguard.account.query", "Authentication module option totpguard.account.query = 'SELECT username FROM users"
                        + " WHERE username = ?' is invalid: expected unset here",
                "totpguard.jaas.not-enrolled", "not-enrolled=enroll is no longer supported").entrySet()) {
            Map<String, String> options = Map.of(
                    "totpguard.jaas.password.source", "properties",
                    "totpguard.jaas.password.file", "/nonexistent/users.properties",
                    key.getKey(), key.getKey().endsWith("query") ? "SELECT username FROM users WHERE username = ?" : "enroll");
            AuthException e = assertThrows(AuthException.class,
                    () -> new TotpServerAuthModule().initialize(null, null, null, options));
            String why = assertOnlyTheLogSaysWhy(e);
            assertTrue(why.contains(key.getValue()), why);
        }
    }

    @Test
    void aBrandLogoOrStyleSheetOutsideTheApplicationStopsTheModuleNamingTheKey() {
        for (String value : new String[] {"https://evil.example/x.css", "//evil.example/x.css", "javascript:alert(1)", "x.css"}) {
            Map<String, String> options = Map.of(
                    "totpguard.jaas.password.source", "properties",
                    "totpguard.jaas.password.file", "/nonexistent/users.properties",
                    "totpguard.sam.brand.name", "Acme",
                    "totpguard.sam.brand.stylesheet", value);
            AuthException e = assertThrows(AuthException.class,
                    () -> new TotpServerAuthModule().initialize(null, null, null, options));
            String why = assertOnlyTheLogSaysWhy(e);
            assertTrue(why.contains("totpguard.sam.brand.stylesheet = '" + value + "' is invalid: expected a path"
                    + " in the application"), why);
        }
    }

    /**
     * The exception, which a container may show to a visitor, says only that the module is misconfigured; what is
     * wrong is in its cause (and the log).
     */
    private static String assertOnlyTheLogSaysWhy(AuthException e) {
        assertEquals("TOTP Guard authentication module is misconfigured; the server's log says why", e.getMessage());
        return e.getCause().getMessage();
    }
}
