package dev.totpguard.distribution;

/** {@link TomcatManagerDropInSetup} on the unmodified Tomcat 11 distribution. */
class Tomcat11ManagerDropInIT extends TomcatManagerDropInSetup {

    @Override
    String version() {
        return System.getProperty("it.tomcat11.version");
    }
}
