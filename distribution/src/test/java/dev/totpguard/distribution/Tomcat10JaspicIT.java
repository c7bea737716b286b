package dev.totpguard.distribution;

/** {@link TomcatJaspicSetup} on the unmodified Tomcat 10.1 distribution. */
class Tomcat10JaspicIT extends TomcatJaspicSetup {

    @Override
    String version() {
        return System.getProperty("it.tomcat10.version");
    }
}
