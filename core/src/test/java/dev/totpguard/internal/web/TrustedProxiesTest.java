package dev.totpguard.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.0.2.1, 2001:db8::/32");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // peer | X-Forwarded-For | client
            "203.0.113.5 | 198.51.100.1 | 203.0.113.5",            // an untrusted peer's header is ignored
            "10.1.1.1 | 198.51.100.1 | 198.51.100.1",
            "10.1.1.1 | 6.6.6.6, 198.51.100.1 | 198.51.100.1",      // what the client wrote before the proxy is never reached
            "10.1.1.1 | 198.51.100.1, 10.2.2.2 | 198.51.100.1",     // trusted inner hops are skipped
            "10.1.1.1 | 10.3.3.3, 10.2.2.2 | 10.3.3.3",             // all trusted: the left-most
            "10.1.1.1 | unknown | 10.1.1.1",                        // not an address: the proxy that reported it
            "10.1.1.1 | 198.51.100.1:4711 | 198.51.100.1",
            "192.0.2.1 | '[2001:db9::7]:80' | 2001:db9:0:0:0:0:0:7",
            "192.0.2.2 | 198.51.100.1 | 192.0.2.2",                 // a single address is not a range
    })
    void theClientIsTheRightMostUntrustedHopBehindATrustedPeer(String peer, String forwardedFor, String client) {
        assertEquals(client, proxies.resolve(peer, false, List.of(), List.of(forwardedFor), List.of()).address());
    }

    @Test
    void forwardedHeaderWinsAndTellsTheScheme() {
        TrustedProxies.Client client = proxies.resolve("10.0.0.9", false,
                List.of("for=6.6.6.6, for=\"[2001:db9::1]\";proto=https"), List.of("198.51.100.1"), List.of("http"));
        assertEquals("2001:db9:0:0:0:0:0:1", client.address());
        assertTrue(client.secure());
        assertTrue(proxies.resolve("10.0.0.9", false, List.of(), List.of("198.51.100.1"), List.of("http, https")).secure());
        assertFalse(proxies.resolve("203.0.113.1", false, List.of("for=1.2.3.4;proto=https"), List.of(), List.of()).secure(),
                "an untrusted peer cannot claim https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "10.0.0.0/33", "10.0.0/8", "1.2.3.4/x", "::1/129"})
    void malformedEntriesAreRefusedNamingTheSetting(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.fromSettings(Settings.of(Map.of(TotpGuardSettings.TRUSTED_PROXIES, "127.0.0.1," + entry), "setting")));
        assertTrue(e.getMessage().contains(TotpGuardSettings.TRUSTED_PROXIES) && e.getMessage().contains(entry), e.getMessage());
    }

    @Test
    void noneBelievesNothing() {
        assertTrue(TrustedProxies.fromSettings(Settings.of(Map.of(), "setting")).isEmpty());
        assertEquals("127.0.0.1", TrustedProxies.none().resolve("127.0.0.1", false, name -> List.of("203.0.113.9")).address());
    }
}
