package dev.totpguard.jaas;

import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.callback.Callback;

/**
 * Asks a {@link javax.security.auth.callback.CallbackHandler} for the current TOTP (or recovery) code, the
 * way {@link javax.security.auth.callback.PasswordCallback} asks for a password. {@link TotpLoginModule}
 * sends it; a handler that does not know it throws
 * {@link javax.security.auth.callback.UnsupportedCallbackException}, after which the module tries Jetty's
 * request parameter (under Jetty's {@code JAASLoginService}) or gives up with a {@code FailedLoginException}.
 *
 * <p>The code is held as a {@code char[]} copy, never as a String, and is not shown by {@link #toString()}.
 * Not thread-safe: one instance belongs to one {@code handle} call.
 */
public final class TotpCallback implements Callback {

    private final String prompt;
    private char[] code;

    public TotpCallback(String prompt) {
        this.prompt = Objects.requireNonNull(prompt, "prompt");
    }

    /** Text a handler may show, such as "Authenticator code". */
    public String getPrompt() {
        return prompt;
    }

    /** Sets the code as typed; a copy is kept, so the caller may clear its array. {@code null} clears. */
    public void setCode(char[] code) {
        clearCode();
        this.code = code == null ? null : code.clone();
    }

    /** A copy of the code, or {@code null} if the handler set none; the caller should clear it after use. */
    public char[] getCode() {
        return code == null ? null : code.clone();
    }

    /** Overwrites the held code. */
    public void clearCode() {
        if (code != null) {
            Arrays.fill(code, '\0');
            code = null;
        }
    }

    @Override
    public String toString() {
        return "TotpCallback[" + prompt + (code == null ? ", no code]" : ", code set]");
    }
}
