package dev.totpguard.jaspic;

import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.config.ServerAuthContext;
import javax.security.auth.Subject;

/**
 * The {@link ServerAuthContext} around one {@link TotpServerAuthModule}. It adds a second fail-closed
 * guard: whatever the module does, this context never turns an exception into {@link AuthStatus#SUCCESS}.
 * Thread-safe.
 */
final class TotpServerAuthContext implements ServerAuthContext {

    private static final System.Logger LOG = System.getLogger(TotpServerAuthContext.class.getName());

    private final TotpServerAuthModule module;

    TotpServerAuthContext(TotpServerAuthModule module) {
        this.module = module;
    }

    @Override
    public AuthStatus validateRequest(MessageInfo messageInfo, Subject clientSubject, Subject serviceSubject) {
        AuthStatus status;
        try {
            status = module.validateRequest(messageInfo, clientSubject, serviceSubject);
        } catch (RuntimeException e) {
            // A defect, not a refused login: fail closed, and leave the stack trace where an operator looks.
            LOG.log(System.Logger.Level.ERROR, "TOTP Guard authentication module failed unexpectedly; the request is refused", e);
            status = null;
        }
        return status == null ? AuthStatus.SEND_FAILURE : status;
    }

    @Override
    public AuthStatus secureResponse(MessageInfo messageInfo, Subject serviceSubject) {
        return module.secureResponse(messageInfo, serviceSubject);
    }

    @Override
    public void cleanSubject(MessageInfo messageInfo, Subject subject) throws AuthException {
        module.cleanSubject(messageInfo, subject);
    }
}
