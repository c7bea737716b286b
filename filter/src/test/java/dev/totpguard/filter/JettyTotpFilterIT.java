package dev.totpguard.filter;

/** {@link TotpFilterContract} on embedded Jetty 12 (ee10). */
class JettyTotpFilterIT extends TotpFilterContract {

    @Override
    String containerKind() {
        return "jetty";
    }
}
