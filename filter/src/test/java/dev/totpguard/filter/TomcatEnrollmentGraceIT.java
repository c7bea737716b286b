package dev.totpguard.filter;

/** {@link EnrollmentGraceContract} on embedded Tomcat 11. */
class TomcatEnrollmentGraceIT extends EnrollmentGraceContract {

    @Override
    String containerKind() {
        return "tomcat";
    }
}
