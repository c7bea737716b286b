package dev.totpguard.distribution;

/** {@link TomcatManagerDropInSetup} on the unmodified Tomcat 10 distribution. */
class Tomcat10ManagerDropInIT extends TomcatManagerDropInSetup {

    @Override
    String version() {
        return System.getProperty("it.tomcat10.version");
    }
}
