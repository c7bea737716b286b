package dev.totpguard.filter;

/** {@link SeveralAuthenticatorsContract} on embedded Tomcat. */
class TomcatSeveralAuthenticatorsIT extends SeveralAuthenticatorsContract {

    @Override
    String containerKind() {
        return "tomcat";
    }
}
