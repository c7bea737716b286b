package dev.totpguard.filter;

/** {@link SessionRevocationContract} on embedded Jetty 12 (ee10). */
class JettySessionRevocationIT extends SessionRevocationContract {

    @Override
    String containerKind() {
        return "jetty";
    }
}
