package dev.totpguard.example.launcher;

import dev.totpguard.internal.web.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Makes every request from one of the {@code --trusted-proxies} look as the client made it: the remote address is the
 * one {@link TrustedProxies} reads from the forwarding headers, and the request is secure (so Jetty marks the session
 * cookie {@code Secure}) when the proxy says the client came over https. Requests from any other peer are left as they
 * are, headers and all: only a listed proxy is believed. Jetty's own {@code ForwardedRequestCustomizer} believes every
 * peer and takes the left-most, client-written hop; this one does neither.
 *
 * <p>Immutable and thread-safe.
 */
final class TrustedProxyCustomizer implements HttpConfiguration.Customizer {

    private final TrustedProxies proxies;

    TrustedProxyCustomizer(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress peer) || peer.getAddress() == null) {
            return request;
        }
        String peerAddress = peer.getAddress().getHostAddress();
        if (!proxies.contains(peerAddress)) {
            return request;
        }
        TrustedProxies.Client client = proxies.resolve(peerAddress, request.isSecure(), name -> request.getHeaders().getValuesList(name));
        InetSocketAddress clientAddress;
        try {
            // An IP literal (TrustedProxies never returns anything else), so no name is looked up.
            clientAddress = new InetSocketAddress(InetAddress.getByName(client.address()), peer.getPort());
        } catch (UnknownHostException e) {
            return request;
        }
        boolean secure = client.secure();
        HttpURI uri = secure == request.isSecure() ? request.getHttpURI()
                : HttpURI.build(request.getHttpURI()).scheme(secure ? HttpScheme.HTTPS : HttpScheme.HTTP).asImmutable();
        ConnectionMetaData metaData = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
            @Override
            public SocketAddress getRemoteSocketAddress() {
                return clientAddress;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }
        };
        return new Request.Wrapper(request) {
            @Override
            public ConnectionMetaData getConnectionMetaData() {
                return metaData;
            }

            @Override
            public HttpURI getHttpURI() {
                return uri;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }
        };
    }
}
