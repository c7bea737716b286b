package dev.totpguard.jaas;

/**
 * The option names of {@link TotpLoginModule}, read from a JAAS configuration entry. Together with the
 * {@code totpguard.*} store and policy keys of {@code dev.totpguard.TotpGuardSettings} they form one set of
 * keys shared by servlet init-params, context params, JAAS options and the Jakarta Authentication module.
 */
final class JaasSettings {

    /** {@code standalone} (default: password and code) or {@code stacked} (code only, after another module). */
    static final String MODE = "totpguard.jaas.mode";
    /** Standalone mode's password source: {@code properties} or {@code jdbc}. */
    static final String PASSWORD_SOURCE = "totpguard.jaas.password.source";
    /** The users file of {@code password.source=properties} ({@link PropertiesPasswordVerifier}). */
    static final String PASSWORD_FILE = "totpguard.jaas.password.file";
    /** PBKDF2 iterations of the dummy hash for unknown users (default 600000): use your hashes' count. */
    static final String PASSWORD_ITERATIONS = "totpguard.jaas.password.iterations";
    /** JNDI name of the DataSource of {@code password.source=jdbc}; default: the store's DataSource. */
    static final String USERS_JNDI = "totpguard.jaas.users.jndi";
    /** User table of {@code password.source=jdbc} (default {@code totpguard_user}). */
    static final String USERS_TABLE = "totpguard.jaas.users.table";
    /** User name column, in the user and the role table (default {@code username}). */
    static final String USERS_NAME_COLUMN = "totpguard.jaas.users.name-column";
    /** Password hash column (default {@code password_hash}). */
    static final String USERS_PASSWORD_COLUMN = "totpguard.jaas.users.password-column";
    /** Role table (default {@code totpguard_user_role}). */
    static final String ROLES_TABLE = "totpguard.jaas.roles.table";
    /** Role column (default {@code role}). */
    static final String ROLES_COLUMN = "totpguard.jaas.roles.role-column";
    /** {@code callback} (default: {@link TotpCallback}, or Jetty's request parameter) or {@code appended}. */
    static final String CODE_SOURCE = "totpguard.jaas.code.source";
    /** Request parameter of the code under Jetty's JAASLoginService (default {@code j_totp}). */
    static final String CODE_FIELD = "totpguard.jaas.code.field";
    /** Appended mode: text between password and code (default {@code :}); {@code none}: the last N digits. */
    static final String CODE_SEPARATOR = "totpguard.jaas.code.separator";
    /** {@code true}: store the user name and the password without the code in the shared state. */
    static final String FORWARD_PASS = "totpguard.jaas.forward-pass";
    /** A user without an active TOTP: {@code refuse} (default) or {@code enroll} (marker principal). */
    static final String NOT_ENROLLED = "totpguard.jaas.not-enrolled";
    /** Standard JAAS option: take name and password from the shared state only. */
    static final String USE_FIRST_PASS = "use_first_pass";
    /** Standard JAAS option: try the shared state first, then ask the callback handler. */
    static final String TRY_FIRST_PASS = "try_first_pass";
    /** Standard JAAS option: log each outcome (user and result, never a password or code). */
    static final String DEBUG = "debug";

    /** Shared-state keys used by the JDK's and most other login modules. */
    static final String SHARED_NAME = "javax.security.auth.login.name";
    static final String SHARED_PASSWORD = "javax.security.auth.login.password";

    private JaasSettings() {
    }
}
