package dev.totpguard.jaas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.eclipse.jetty.security.jaas.callback.DefaultCallbackHandler;
import org.junit.jupiter.api.Test;

class CallbackInputTest {

    private static final CallbackHandler FULL = callbacks -> {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback) {
                ((NameCallback) callback).setName("alice");
            } else if (callback instanceof PasswordCallback) {
                ((PasswordCallback) callback).setPassword("pw".toCharArray());
            } else if (callback instanceof TotpCallback) {
                ((TotpCallback) callback).setCode("123456".toCharArray());
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    };

    @Test
    void readsNamePasswordAndCodeFromTheHandler() throws Exception {
        assertEquals("alice", CallbackInput.askName(FULL));
        assertArrayEquals("pw".toCharArray(), CallbackInput.askPassword(FULL));
        assertArrayEquals("123456".toCharArray(), CallbackInput.askCode(FULL, "j_totp"));
    }

    @Test
    void handlerWithoutTotpSupportGivesNoCode() throws Exception {
        CallbackHandler passwordOnly = callbacks -> {
            throw new UnsupportedCallbackException(callbacks[0]);
        };
        assertNull(CallbackInput.askCode(passwordOnly, "j_totp"));
        assertNull(CallbackInput.clientAddress(passwordOnly, dev.totpguard.internal.web.TrustedProxies.none()));
    }

    @Test
    void jettysHandlerWithoutARequestGivesNoCodeAndNoAddress() throws Exception {
        DefaultCallbackHandler jetty = new DefaultCallbackHandler();
        assertTrue(CallbackInput.jettyCallbacksVisible());
        // Without a request Jetty's handler has no parameters: no code, no address, no exception.
        assertNull(CallbackInput.askCode(jetty, "j_totp"));
        assertNull(CallbackInput.clientAddress(jetty, dev.totpguard.internal.web.TrustedProxies.none()));
    }

    @Test
    void sharedStateGivesNameAndACopyOfThePassword() {
        char[] stored = "pw".toCharArray();
        Map<String, Object> shared = Map.of(CallbackInput.SHARED_NAME, "alice", CallbackInput.SHARED_PASSWORD, stored);
        assertEquals("alice", CallbackInput.sharedName(shared));
        char[] copy = CallbackInput.sharedPassword(shared);
        CallbackInput.clear(copy);
        assertArrayEquals("pw".toCharArray(), stored);
        assertArrayEquals("pw".toCharArray(), CallbackInput.sharedPassword(Map.of(CallbackInput.SHARED_PASSWORD, "pw")));
        assertNull(CallbackInput.sharedName(Map.of()));
        assertNull(CallbackInput.sharedPassword(null));
    }

    @Test
    void totpCallbackHidesTheCodeAndHandsOutCopies() {
        TotpCallback callback = new TotpCallback("Code");
        char[] typed = "123456".toCharArray();
        callback.setCode(typed);
        CallbackInput.clear(typed);
        char[] copy = callback.getCode();
        assertArrayEquals("123456".toCharArray(), copy);
        assertFalse(callback.toString().contains("123456"));
        callback.clearCode();
        assertNull(callback.getCode());
    }
}
