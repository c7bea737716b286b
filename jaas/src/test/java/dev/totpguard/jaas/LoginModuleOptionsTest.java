package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginModuleOptionsTest {

    private static Map<String, Object> standalone() {
        Map<String, Object> options = new HashMap<>();
        options.put("totpguard.jaas.password.source", "properties");
        options.put("totpguard.jaas.password.file", "/etc/app/users.properties");
        return options;
    }

    @Test
    void defaultsAreStandaloneCallbackCodeRefuseUnenrolled() {
        LoginModuleOptions options = LoginModuleOptions.parse(standalone());
        assertEquals(LoginModuleOptions.Mode.STANDALONE, options.mode());
        assertEquals(LoginModuleOptions.PasswordSource.PROPERTIES, options.passwordSource());
        assertEquals(LoginModuleOptions.CodeSource.CALLBACK, options.codeSource());
        assertEquals("j_totp", options.codeField());
        assertEquals(":", options.codeSeparator());
        assertEquals(LoginModuleOptions.FirstPass.NONE, options.firstPass());
        assertEquals(LoginModuleOptions.NotEnrolled.REFUSE, options.notEnrolled());
        assertEquals(600_000, options.passwordIterations());
        assertFalse(options.forwardPass());
        assertEquals("totpguard_user", options.usersTable());
    }

    @Test
    void stackedModeNeedsNoPasswordSource() {
        LoginModuleOptions options = LoginModuleOptions.parse(Map.of("totpguard.jaas.mode", "Stacked",
                "try_first_pass", "true", "totpguard.jaas.code.source", "appended",
                "totpguard.jaas.code.separator", "none", "totpguard.jaas.forward-pass", "TRUE"));
        assertEquals(LoginModuleOptions.Mode.STACKED, options.mode());
        assertEquals(LoginModuleOptions.FirstPass.TRY, options.firstPass());
        assertEquals("", options.codeSeparator());
        assertTrue(options.forwardPass());
    }

    @Test
    void storeAndPolicyKeysArePassedToTheServiceAndJaasKeysAreNot() {
        Map<String, Object> raw = standalone();
        raw.put("totpguard.jdbc.url", " jdbc:h2:mem:x ");
        raw.put("totpguard.issuer", "Example");
        raw.put("debug", "true");
        raw.put("someOtherModulesOption", "x");
        assertEquals(Map.of("totpguard.jdbc.url", "jdbc:h2:mem:x", "totpguard.issuer", "Example"),
                LoginModuleOptions.parse(raw).serviceSettings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "totpguard.jaas.mode|both|JAAS option totpguard.jaas.mode = 'both' is invalid: expected standalone or stacked",
            "totpguard.jaas.code.source|header|totpguard.jaas.code.source = 'header' is invalid: expected callback or appended",
            "totpguard.jaas.not-enrolled|allow|totpguard.jaas.not-enrolled = 'allow' is invalid: expected refuse",
            "totpguard.jaas.not-enrolled|Enroll|totpguard.jaas.not-enrolled=enroll is no longer supported",
            "totpguard.account.query|SELECT username FROM users WHERE username = ?|totpguard.account.query = 'SELECT username FROM users WHERE username = ?' is invalid: expected unset here",
            "totpguard.account.jndi-datasource|java:comp/env/jdbc/users|totpguard.account.jndi-datasource = 'java:comp/env/jdbc/users' is invalid: expected unset here",
            "totpguard.jaas.forward-pass|yes|totpguard.jaas.forward-pass = 'yes' is invalid: expected true or false",
            "use_first_pass|1|use_first_pass = '1' is invalid: expected true or false",
            "totpguard.jaas.password.iterations|600k|totpguard.jaas.password.iterations = '600k' is invalid: expected a whole number from 1000",
            "totpguard.jaas.password.iterations|10|totpguard.jaas.password.iterations = '10' is invalid: expected a whole number",
            "totpguard.jaas.password.source|ldap|totpguard.jaas.password.source = 'ldap' is invalid: expected properties or jdbc",
            "totpguard.jaas.users.table|users;drop|totpguard.jaas.users.table = 'users;drop' is invalid: expected a plain SQL identifier",
            "totpguard.jaas.code.separator|-1-|totpguard.jaas.code.separator = '-1-' is invalid: expected up to 8 characters without digits",
            "totpguard.jaas.code.field|''|totpguard.jaas.code.field is missing: expected a request parameter name",
            "totpguard.jaas.pasword.file|x|Unknown JAAS option totpguard.jaas.pasword.file: did you mean totpguard.jaas.password.file?",
            "totpguard.enforcment|REQUIRED|Unknown JAAS option totpguard.enforcment: did you mean totpguard.enforcement?",
            "totpguard.sam.flwo|one-page|Unknown JAAS option totpguard.sam.flwo: did you mean totpguard.sam.flow?",
            // Features of the filter and the Spring module only: refused, not silently ignored.
            "totpguard.trusted-browser.days|30|totpguard.trusted-browser.days = '30' is invalid: expected unset: the JAAS and Jakarta Authentication modules have no trusted browsers",
            "totpguard.enforcement.grace.days|14|totpguard.enforcement.grace.days = '14' is invalid: expected unset",
            "totpguard.enforcement.grace.sign-ins|3|totpguard.enforcement.grace.sign-ins = '3' is invalid: expected unset"})
    void badValueIsRefusedWithAMessageNamingTheOption(String key, String value, String expected) {
        Map<String, Object> raw = standalone();
        raw.put(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoginModuleOptions.parse(raw));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void accountKeysAreKeptForTheResolverInStackedModeAndNotPassedToTheService() {
        LoginModuleOptions options = LoginModuleOptions.parse(Map.of("totpguard.jaas.mode", "stacked",
                "totpguard.account.query", " SELECT username FROM users WHERE username = ? ", "totpguard.issuer", "Example"));
        assertEquals(Map.of("totpguard.account.query", "SELECT username FROM users WHERE username = ?"), options.accountSettings());
        assertEquals(Map.of("totpguard.issuer", "Example"), options.serviceSettings());
    }

    @Test
    void standaloneWithoutPasswordSourceSaysWhatToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoginModuleOptions.parse(Map.of()));
        assertTrue(e.getMessage().contains("totpguard.jaas.password.source"), e.getMessage());
        assertTrue(e.getMessage().contains("stacked"), e.getMessage());
    }

    @Test
    void propertiesSourceNeedsAFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoginModuleOptions.parse(Map.of("totpguard.jaas.password.source", "properties")));
        assertTrue(e.getMessage().contains("totpguard.jaas.password.file"), e.getMessage());
    }

    @Test
    void passwordSourceInStackedModeIsAMistake() {
        assertThrows(IllegalArgumentException.class, () -> LoginModuleOptions.parse(Map.of(
                "totpguard.jaas.mode", "stacked", "totpguard.jaas.password.source", "jdbc")));
    }

    @Test
    void useAndTryFirstPassExcludeEachOther() {
        Map<String, Object> raw = standalone();
        raw.put("use_first_pass", "true");
        raw.put("try_first_pass", "true");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoginModuleOptions.parse(raw));
        assertTrue(e.getMessage().contains("use_first_pass"), e.getMessage());
    }

    @Test
    void nonTextOptionValueIsRefused() {
        Map<String, Object> raw = standalone();
        raw.put("totpguard.jaas.mode", 42);
        assertThrows(IllegalArgumentException.class, () -> LoginModuleOptions.parse(raw));
    }
}
