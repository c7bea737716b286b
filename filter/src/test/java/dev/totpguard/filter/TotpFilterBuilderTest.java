package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.TwoFactorService;
import dev.totpguard.store.InMemoryCredentialStore;
import dev.totpguard.crypto.KeyRing;
import jakarta.servlet.DispatcherType;
import java.security.SecureRandom;
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
                .service(service).setting("totpguard.filter.max-age", "8 hours").build());
        assertTrue(e.getMessage().contains("totpguard.filter.max-age must be an ISO-8601 duration"), e.getMessage());
    }

    @Test
    void aMisspelledFilterKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder()
                .service(service).settings(Map.of("totpguard.filter.protect", "/ops/*")).build());
        assertTrue(e.getMessage().contains("Unknown setting totpguard.filter.protect"), e.getMessage());
    }

    @Test
    void otherTotpGuardKeysAreLeftToTheService() {
        TotpFilter.builder().service(service).settings(Map.of("totpguard.jdbc.url", "jdbc:h2:mem:x",
                "totpguard.enforcement", "REQUIRED")).build();
    }

    @Test
    void aUserResolverClassMustImplementTheInterface() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TotpFilter.builder()
                .service(service).setting("totpguard.filter.user-resolver", "java.lang.String").build());
        assertTrue(e.getMessage().contains("totpguard.filter.user-resolver must name a class that implements"),
                e.getMessage());
    }

    @Test
    void theFilterIsMappedForEveryDispatcherType() {
        assertEquals(EnumSet.allOf(DispatcherType.class), TotpFilter.dispatcherTypes());
        assertNotSame(TotpFilter.dispatcherTypes(), TotpFilter.dispatcherTypes());
    }
}
