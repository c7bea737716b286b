package dev.totpguard.distribution;

/** {@link TomcatJaasRealmSetup} on the unmodified Tomcat 11 distribution. */
class Tomcat11JaasRealmIT extends TomcatJaasRealmSetup {

    @Override
    String version() {
        return System.getProperty("it.tomcat11.version");
    }
}
