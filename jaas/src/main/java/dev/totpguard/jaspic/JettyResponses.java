package dev.totpguard.jaspic;

import jakarta.security.auth.message.MessageInfo;
import java.lang.reflect.Method;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Finishes a response that {@link TotpServerAuthModule} answers itself under Jetty 12's Jakarta
 * Authentication integration. There the module runs before the servlet layer: status and headers set on
 * the {@code HttpServletResponse} reach the client, but a body written through it is dropped and the
 * exchange is only completed by Jetty's own {@code Callback}. So the body goes through Jetty's core
 * {@code Response} with that callback. The only class here that touches Jetty; loaded only after
 * {@link Responses#isJetty} recognised Jetty's {@code JaspiMessageInfo} by name, so the module loads in
 * other containers too. Stateless.
 */
final class JettyResponses {

    private JettyResponses() {
    }

    static void finish(MessageInfo messageInfo, String body) throws ReflectiveOperationException {
        // getBaseResponse()/getCallback() are on Jetty's ee10/ee11 JaspiMessageInfo, whose jar is not a
        // compile dependency of this module.
        Method response = messageInfo.getClass().getMethod("getBaseResponse");
        Method callback = messageInfo.getClass().getMethod("getCallback");
        Content.Sink.write((Response) response.invoke(messageInfo), true, body, (Callback) callback.invoke(messageInfo));
    }
}
