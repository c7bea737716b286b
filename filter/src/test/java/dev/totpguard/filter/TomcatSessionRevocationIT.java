package dev.totpguard.filter;

/** {@link SessionRevocationContract} on embedded Tomcat 11. */
class TomcatSessionRevocationIT extends SessionRevocationContract {

    @Override
    String containerKind() {
        return "tomcat";
    }
}
