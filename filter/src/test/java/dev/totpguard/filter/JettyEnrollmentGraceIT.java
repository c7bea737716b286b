package dev.totpguard.filter;

/** {@link EnrollmentGraceContract} on embedded Jetty 12. */
class JettyEnrollmentGraceIT extends EnrollmentGraceContract {

    @Override
    String containerKind() {
        return "jetty";
    }
}
