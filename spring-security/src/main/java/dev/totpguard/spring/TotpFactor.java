package dev.totpguard.spring;

/**
 * The TOTP factor of Spring Security's multi-factor authentication: the authority of the
 * {@link org.springframework.security.core.authority.FactorGrantedAuthority} that {@link TotpConfigurer} adds to the
 * signed-in user's {@code Authentication} once {@link dev.totpguard.TwoFactorService} accepted a code from the
 * authenticator app or a recovery code. Its issue time is the moment the code was accepted, so a
 * {@code validDuration} on the factor asks for a new code after that time (step-up).
 *
 * <pre>{@code
 * @EnableMultiFactorAuthentication(authorities = { FactorGrantedAuthority.PASSWORD_AUTHORITY, TotpFactor.AUTHORITY })
 * }</pre>
 */
public final class TotpFactor {

    /**
     * {@value}: the authority of the TOTP factor, named as Spring Security names its own factors
     * ({@code FACTOR_PASSWORD}, {@code FACTOR_OTT}, {@code FACTOR_WEBAUTHN}).
     */
    public static final String AUTHORITY = "FACTOR_TOTP";

    /**
     * Request attribute: the {@link dev.totpguard.EnrollmentGrace} of a signed-in user without an authenticator whom
     * {@link TotpConfigurer} lets through a request that requires this factor, under enforcement {@code REQUIRED}
     * with an enrollment grace ({@code totpguard.enforcement.grace.days} / {@code .sign-ins}) that is still open;
     * absent otherwise. The application shows a notice (days or sign-ins left) linking to
     * {@link #ENROLLMENT_URL_ATTRIBUTE}. The same name as the servlet filter's attribute.
     */
    public static final String ENROLLMENT_GRACE_ATTRIBUTE = "dev.totpguard.enrollmentGrace";

    /** Request attribute, set with {@link #ENROLLMENT_GRACE_ATTRIBUTE}: the URL (a path) of the set-up page. */
    public static final String ENROLLMENT_URL_ATTRIBUTE = "dev.totpguard.enrollmentUrl";

    private TotpFactor() {
    }
}
