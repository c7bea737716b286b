package dev.totpguard.example.login;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.eclipse.jetty.security.jaas.callback.DefaultCallbackHandler;

/**
 * Jetty's {@link DefaultCallbackHandler} that also takes an {@link AccountNameCallback}: from then on it answers
 * the user-name question with the stored name, so the principal Jetty's {@code JAASLoginService} makes after the
 * login is the account, not the spelling typed into the form. Set with
 * {@code JAASLoginService.setCallbackHandlerClass}; Jetty makes one instance per login, so it is not thread-safe
 * and need not be.
 */
public final class AccountNameCallbackHandler extends DefaultCallbackHandler {

    /** Public no-argument constructor: Jetty instantiates the handler by class name. */
    public AccountNameCallbackHandler() {
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        List<Callback> others = new ArrayList<>(callbacks.length);
        for (Callback callback : callbacks) {
            if (callback instanceof AccountNameCallback account) {
                setUserName(account.name());
            } else {
                others.add(callback);
            }
        }
        if (!others.isEmpty()) {
            super.handle(others.toArray(new Callback[0]));
        }
    }
}
