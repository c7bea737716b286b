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

    private TotpFactor() {
    }
}
