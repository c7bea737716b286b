package dev.totpguard.jaas;

/**
 * The standard JAAS names {@link TotpLoginModule} honours besides its {@code totpguard.jaas.*} options (which
 * live with every other key in {@link dev.totpguard.TotpGuardSettings}): the option names used by the JDK's
 * login modules and the shared-state keys through which stacked modules pass the user name and password.
 */
final class JaasSettings {

    /** Standard JAAS option: take name and password from the shared state only. */
    static final String USE_FIRST_PASS = "use_first_pass";
    /** Standard JAAS option: try the shared state first, then ask the callback handler. */
    static final String TRY_FIRST_PASS = "try_first_pass";
    /** Standard JAAS option: log each outcome (user and result, never a password or code). */
    static final String DEBUG = "debug";

    /** Shared-state key of the user name, as the JDK's and most other login modules use it. */
    static final String SHARED_NAME = "javax.security.auth.login.name";
    /** Shared-state key of the password ({@code char[]}). */
    static final String SHARED_PASSWORD = "javax.security.auth.login.password";

    private JaasSettings() {
    }
}
