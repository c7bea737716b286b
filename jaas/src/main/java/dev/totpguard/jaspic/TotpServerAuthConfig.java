package dev.totpguard.jaspic;

import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.config.ServerAuthConfig;
import jakarta.security.auth.message.config.ServerAuthContext;
import java.util.Map;
import javax.security.auth.Subject;

/** The {@link ServerAuthConfig} of one application context: always the same initialized module. Thread-safe. */
final class TotpServerAuthConfig implements ServerAuthConfig {

    private final String layer;
    private final String appContext;
    private final TotpServerAuthContext context;

    TotpServerAuthConfig(String layer, String appContext, TotpServerAuthModule module) {
        this.layer = layer;
        this.appContext = appContext;
        this.context = new TotpServerAuthContext(module);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ServerAuthContext getAuthContext(String authContextId, Subject serviceSubject, Map properties) {
        return context;
    }

    @Override
    public String getAuthContextID(MessageInfo messageInfo) {
        return "totpguard";
    }

    @Override
    public String getMessageLayer() {
        return layer;
    }

    @Override
    public String getAppContext() {
        return appContext;
    }

    @Override
    public void refresh() {
    }

    @Override
    public boolean isProtected() {
        return true;
    }
}
