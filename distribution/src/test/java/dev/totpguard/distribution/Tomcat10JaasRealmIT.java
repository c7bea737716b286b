package dev.totpguard.distribution;

/** {@link TomcatJaasRealmSetup} on the unmodified Tomcat 10.1 distribution. */
class Tomcat10JaasRealmIT extends TomcatJaasRealmSetup {

    @Override
    String version() {
        return System.getProperty("it.tomcat10.version");
    }
}
