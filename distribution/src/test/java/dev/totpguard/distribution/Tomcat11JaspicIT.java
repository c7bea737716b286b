package dev.totpguard.distribution;

/** {@link TomcatJaspicSetup} on the unmodified Tomcat 11 distribution. */
class Tomcat11JaspicIT extends TomcatJaspicSetup {

    @Override
    String version() {
        return System.getProperty("it.tomcat11.version");
    }
}
