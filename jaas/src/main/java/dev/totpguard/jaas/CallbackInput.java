package dev.totpguard.jaas;

import dev.totpguard.internal.web.TrustedProxies;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginException;

/**
 * Reads what {@link TotpLoginModule} needs from its {@link CallbackHandler} and the JAAS shared state: the
 * user name and password ({@link NameCallback}, {@link PasswordCallback}, or the standard
 * {@code javax.security.auth.login.name}/{@code .password} keys), and the code ({@link TotpCallback}, or
 * Jetty's {@code RequestParameterCallback} when Jetty's classes are visible and the handler answers it). Every
 * returned {@code char[]} is a fresh copy that the caller clears. Stateless.
 */
final class CallbackInput {

    /** Shared-state key of the user name, as the JDK's and most other login modules use it. */
    static final String SHARED_NAME = "javax.security.auth.login.name";
    /** Shared-state key of the password ({@code char[]}). */
    static final String SHARED_PASSWORD = "javax.security.auth.login.password";

    /** Jetty 12's form-field callback, looked up by name so Jetty's classes are never linked outside Jetty. */
    private static final String JETTY_PARAMETER_CALLBACK = "org.eclipse.jetty.security.jaas.callback.RequestParameterCallback";

    private CallbackInput() {
    }

    /** The user name a module before this one stored, or {@code null}. */
    static String sharedName(Map<String, ?> sharedState) {
        Object name = sharedState == null ? null : sharedState.get(SHARED_NAME);
        return name instanceof String && !((String) name).isEmpty() ? (String) name : null;
    }

    /** A copy of the password a module before this one stored ({@code char[]} or String), or {@code null}. */
    static char[] sharedPassword(Map<String, ?> sharedState) {
        Object password = sharedState == null ? null : sharedState.get(SHARED_PASSWORD);
        if (password instanceof char[]) {
            return ((char[]) password).clone();
        }
        if (password instanceof String) {
            return ((String) password).toCharArray();
        }
        return null;
    }

    /** The user name from a {@link NameCallback}, or {@code null} if the handler gave none. */
    static String askName(CallbackHandler handler) throws LoginException {
        NameCallback name = new NameCallback("User name");
        handle(handler, name);
        String value = name.getName();
        return value == null || value.isEmpty() ? null : value;
    }

    /** The password from a {@link PasswordCallback}, or {@code null} if the handler gave none. */
    static char[] askPassword(CallbackHandler handler) throws LoginException {
        PasswordCallback password = new PasswordCallback("Password", false);
        try {
            handle(handler, password);
            return password.getPassword();
        } finally {
            password.clearPassword();
        }
    }

    /**
     * The code from a {@link TotpCallback}; if the handler does not support it, the request parameter
     * {@code field} through Jetty's {@code RequestParameterCallback} where Jetty's classes are visible.
     * {@code null} if neither gives one.
     */
    static char[] askCode(CallbackHandler handler, String field) throws LoginException {
        TotpCallback totp = new TotpCallback("Authenticator code");
        try {
            handler.handle(new Callback[] {totp});
            return totp.getCode();
        } catch (UnsupportedCallbackException unsupported) {
            if (!jettyCallbacksVisible()) {
                return null;
            }
            // Ask rather than look at the handler's class: the JDK wraps the handler in its own
            // LoginContext$SecureCallbackHandler whenever the login configuration is the default one (Jetty's
            // jaas module sets java.security.auth.login.config), and the wrapper passes callbacks through.
            try {
                return JettyRequestParameters.parameter(handler, field);
            } catch (UnsupportedCallbackException notJetty) {
                return null;
            } catch (IOException e) {
                throw chained("The callback handler cannot supply request parameter " + field, e);
            }
        } catch (IOException e) {
            throw chained("The callback handler failed", e);
        } finally {
            totp.clearCode();
        }
    }

    /**
     * The client's IP address where the handler can tell it (Jetty's {@code RequestCallback}; behind one of the
     * {@code proxies}, the address it reports), else {@code null}.
     */
    static String clientAddress(CallbackHandler handler, TrustedProxies proxies) {
        if (!jettyCallbacksVisible()) {
            return null;
        }
        try {
            return JettyRequestParameters.clientAddress(handler, proxies);
        } catch (UnsupportedCallbackException | IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True if Jetty's callback classes are visible to this module's class loader, so that
     * {@link JettyRequestParameters} links; whether the handler is Jetty's is then found out by asking it.
     */
    static boolean jettyCallbacksVisible() {
        try {
            Class.forName(JETTY_PARAMETER_CALLBACK, false, CallbackInput.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    static void clear(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }

    private static void handle(CallbackHandler handler, Callback callback) throws LoginException {
        try {
            handler.handle(new Callback[] {callback});
        } catch (UnsupportedCallbackException | IOException e) {
            throw chained("The callback handler cannot supply " + callback.getClass().getSimpleName(), e);
        }
    }

    private static LoginException chained(String message, Exception cause) {
        LoginException e = new LoginException(message);
        e.initCause(cause);
        return e;
    }
}
