package dev.totpguard.filter;

/** {@link TotpFilterContract} on embedded Tomcat 11. */
class TomcatTotpFilterIT extends TotpFilterContract {

    @Override
    String containerKind() {
        return "tomcat";
    }
}
