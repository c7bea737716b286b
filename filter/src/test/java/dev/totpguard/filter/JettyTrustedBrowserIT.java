package dev.totpguard.filter;

/** {@link TrustedBrowserContract} on embedded Jetty. */
class JettyTrustedBrowserIT extends TrustedBrowserContract {

    @Override
    String containerKind() {
        return "jetty";
    }
}
