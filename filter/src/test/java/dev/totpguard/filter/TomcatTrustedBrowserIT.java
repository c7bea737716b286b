package dev.totpguard.filter;

/** {@link TrustedBrowserContract} on embedded Tomcat. */
class TomcatTrustedBrowserIT extends TrustedBrowserContract {

    @Override
    String containerKind() {
        return "tomcat";
    }
}
