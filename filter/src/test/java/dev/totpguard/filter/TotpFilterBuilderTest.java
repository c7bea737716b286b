package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorService;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.store.InMemoryCredentialStore;
import jakarta.servlet.DispatcherType;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TotpFilterBuilderTest {

    private final TwoFactorService service = TwoFactorService.builder().store(new InMemoryCredentialStore())
            .keyRing(KeyRing.generate(new SecureRandom())).build();

    @Test
    void aFilterNeedsAService() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TotpFilter.builder().build());
        assertTrue(e.getMessage().contains("service"), e.getMessage());
    }

    @Test
    void aBadSettingIsRefusedAtBuildTimeNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder()
                .service(service).settings(Map.of("totpguard.filter.max-age", "8 hours"), "setting").build());
        assertTrue(e.getMessage().contains("totpguard.filter.max-age = '8 hours' is invalid: expected a positive ISO-8601 duration"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder().service(service).maxAge(Duration.ofHours(-8)));
    }

    @Test
    void aMisspelledFilterKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder()
                .service(service).settings(Map.of("totpguard.filter.protect", "/ops/*"), "setting").build());
        assertTrue(e.getMessage().contains("Unknown setting totpguard.filter.protect"), e.getMessage());
    }

    @Test
    void otherTotpGuardKeysAreLeftToTheService() {
        TotpFilter.builder().service(service).settings(Map.of("totpguard.jdbc.url", "jdbc:h2:mem:x",
                "totpguard.enforcement", "REQUIRED"), "setting").build();
    }

    @Test
    void aUserResolverClassMustImplementTheInterface() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder()
                .service(service).settings(Map.of("totpguard.filter.user-resolver", "java.lang.String"), "setting").build());
        assertTrue(e.getMessage().contains("totpguard.filter.user-resolver must name a class that implements"),
                e.getMessage());
    }

    @Test
    void theFilterIsMappedForEveryDispatcherType() {
        assertEquals(EnumSet.allOf(DispatcherType.class), TotpFilter.dispatcherTypes());
        assertNotSame(TotpFilter.dispatcherTypes(), TotpFilter.dispatcherTypes());
    }

    @Test
    void typedValuesConfigureTheFilter() {
        TotpFilter.builder().service(service).protectedPaths("/ops/*", "/admin/*").exemptPaths("/ops/static/*")
                .stepUpPaths("/ops/keys/*").stepUpMaxAge(Duration.ofMinutes(2)).maxAge(Duration.ZERO)
                .halfAuthTimeout(Duration.ofMinutes(3)).loginPath("/login").defaultTarget("/ops/")
                .page("token", "/WEB-INF/token.jsp").build();
        assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder().loginPath("//evil.example"));
        assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder().page("tokn", "/WEB-INF/token.jsp"));
        assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder().service(service)
                .protectedPaths("/admin/*").exemptPaths("*.css").build());
    }
}
