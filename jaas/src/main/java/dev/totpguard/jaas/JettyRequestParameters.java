package dev.totpguard.jaas;

import dev.totpguard.internal.web.TrustedProxies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.eclipse.jetty.security.jaas.callback.RequestCallback;
import org.eclipse.jetty.security.jaas.callback.RequestParameterCallback;
import org.eclipse.jetty.server.Request;

/**
 * The only class that touches Jetty: reads a form field and the client address through the callbacks of
 * Jetty 12's {@code JAASLoginService} ({@code org.eclipse.jetty.security.jaas.callback}). It is loaded only
 * after {@link CallbackInput#jettyCallbacksVisible} found Jetty's callback class, so the module still loads in
 * Tomcat or a plain JVM where Jetty's classes are absent. A handler that is not Jetty's (or wraps one that is
 * not) answers with {@link UnsupportedCallbackException}.
 */
final class JettyRequestParameters {

    private JettyRequestParameters() {
    }

    /** The first value of request parameter {@code field} as a fresh array, or {@code null} if absent. */
    static char[] parameter(CallbackHandler handler, String field) throws IOException, UnsupportedCallbackException {
        RequestParameterCallback callback = new RequestParameterCallback();
        callback.setParameterName(field);
        handler.handle(new Callback[] {callback});
        List<?> values = callback.getParameterValues();
        if (values == null || values.isEmpty() || !(values.get(0) instanceof String)) {
            return null;
        }
        return ((String) values.get(0)).toCharArray();
    }

    /**
     * The client's IP address (the peer, or what a trusted proxy reports), or {@code null} if Jetty's handler has no
     * request.
     */
    static String clientAddress(CallbackHandler handler, TrustedProxies proxies) throws IOException, UnsupportedCallbackException {
        RequestCallback callback = new RequestCallback();
        handler.handle(new Callback[] {callback});
        Request request = callback.getRequest();
        if (request == null) {
            return null;
        }
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress)) {
            return null;
        }
        String peer = ((InetSocketAddress) remote).getAddress().getHostAddress();
        return proxies.resolve(peer, request.isSecure(), name -> request.getHeaders().getValuesList(name)).address();
    }
}
