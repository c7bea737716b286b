package dev.totpguard.filter;

/** {@link SeveralAuthenticatorsContract} on embedded Jetty. */
class JettySeveralAuthenticatorsIT extends SeveralAuthenticatorsContract {

    @Override
    String containerKind() {
        return "jetty";
    }
}
