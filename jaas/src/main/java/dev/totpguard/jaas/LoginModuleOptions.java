package dev.totpguard.jaas;

import dev.totpguard.TotpGuardSettings;
import dev.totpguard.TrustedProxies;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated options of one {@link TotpLoginModule} configuration entry. {@link #parse(Map)} throws an
 * {@link IllegalArgumentException} whose message names the option and the expected form; values of
 * password-like options are never repeated. Immutable.
 */
final class LoginModuleOptions {

    enum Mode { STANDALONE, STACKED }

    enum CodeSource { CALLBACK, APPENDED }

    enum FirstPass { NONE, USE, TRY }

    /** Users without an active second factor are always refused; the option stays only to say so when set to enroll. */
    enum NotEnrolled { REFUSE }

    /** Why {@code not-enrolled=enroll} is gone, and what to do instead. */
    static final String ENROLL_REMOVED = "JAAS option " + TotpGuardSettings.JAAS_NOT_ENROLLED + "=enroll is no longer"
            + " supported: it let users without a second factor into every application sharing the realm with the password"
            + " alone. Enroll them before their first login with dev.totpguard.jaas.EnrollCommand (see the README of"
            + " totpguard-jaas), or remove the option";

    /** The keys of an {@link dev.totpguard.AccountResolver} over the user table, read in stacked mode only. */
    private static final Set<String> ACCOUNT_KEYS = Set.of(TotpGuardSettings.ACCOUNT_QUERY,
            TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE);

    enum PasswordSource { PROPERTIES, JDBC }

    private static final Set<String> KNOWN_JAAS_KEYS = Set.of(TotpGuardSettings.JAAS_MODE, TotpGuardSettings.JAAS_PASSWORD_SOURCE,
            TotpGuardSettings.JAAS_PASSWORD_FILE, TotpGuardSettings.JAAS_PASSWORD_ITERATIONS, TotpGuardSettings.JAAS_USERS_JNDI,
            TotpGuardSettings.JAAS_USERS_TABLE, TotpGuardSettings.JAAS_USERS_NAME_COLUMN, TotpGuardSettings.JAAS_USERS_PASSWORD_COLUMN,
            TotpGuardSettings.JAAS_ROLES_TABLE, TotpGuardSettings.JAAS_ROLES_COLUMN, TotpGuardSettings.JAAS_CODE_SOURCE, TotpGuardSettings.JAAS_CODE_FIELD,
            TotpGuardSettings.JAAS_CODE_SEPARATOR, TotpGuardSettings.JAAS_FORWARD_PASS, TotpGuardSettings.JAAS_NOT_ENROLLED);

    /** Options that carry objects rather than strings, given in code (Jetty's JAASLoginService, tests). */
    static final Set<String> OBJECT_OPTIONS = Set.of(TotpLoginModule.SERVICE_OPTION, TotpLoginModule.VERIFIER_OPTION);

    private final Mode mode;
    private final PasswordSource passwordSource;
    private final String passwordFile;
    private final int passwordIterations;
    private final String usersJndi;
    private final String usersTable;
    private final String usersNameColumn;
    private final String usersPasswordColumn;
    private final String rolesTable;
    private final String rolesColumn;
    private final CodeSource codeSource;
    private final String codeField;
    private final String codeSeparator;
    private final boolean forwardPass;
    private final FirstPass firstPass;
    private final NotEnrolled notEnrolled;
    private final boolean debug;
    private final Map<String, String> serviceSettings;
    private final Map<String, String> accountSettings;
    private final TrustedProxies trustedProxies;

    private LoginModuleOptions(Map<String, ?> options, boolean verifierGiven) {
        mode = choice(options, TotpGuardSettings.JAAS_MODE, Mode.class, Mode.STANDALONE);
        codeSource = choice(options, TotpGuardSettings.JAAS_CODE_SOURCE, CodeSource.class, CodeSource.CALLBACK);
        codeField = text(options, TotpGuardSettings.JAAS_CODE_FIELD, "j_totp");
        if (codeField.isEmpty() || codeField.length() > 64) {
            throw bad(TotpGuardSettings.JAAS_CODE_FIELD, "a request parameter name of 1 to 64 characters");
        }
        String separator = text(options, TotpGuardSettings.JAAS_CODE_SEPARATOR, ":");
        codeSeparator = separator.equalsIgnoreCase("none") ? "" : separator;
        if (codeSeparator.length() > 8 || codeSeparator.chars().anyMatch(c -> c >= '0' && c <= '9')) {
            throw bad(TotpGuardSettings.JAAS_CODE_SEPARATOR, "up to 8 characters without digits, or 'none' for the bare"
                    + " last digits");
        }
        forwardPass = bool(options, TotpGuardSettings.JAAS_FORWARD_PASS, false);
        if ("enroll".equalsIgnoreCase(text(options, TotpGuardSettings.JAAS_NOT_ENROLLED, ""))) {
            throw new IllegalArgumentException(ENROLL_REMOVED);
        }
        notEnrolled = choice(options, TotpGuardSettings.JAAS_NOT_ENROLLED, NotEnrolled.class, NotEnrolled.REFUSE);
        debug = bool(options, JaasSettings.DEBUG, false);
        // The JDK's own modules spell them useFirstPass / tryFirstPass: both spellings are accepted.
        boolean use = bool(options, JaasSettings.USE_FIRST_PASS, false) | bool(options, "useFirstPass", false);
        boolean tryFirst = bool(options, JaasSettings.TRY_FIRST_PASS, false) | bool(options, "tryFirstPass", false);
        if (use && tryFirst) {
            throw new IllegalArgumentException("JAAS options " + JaasSettings.USE_FIRST_PASS + " and "
                    + JaasSettings.TRY_FIRST_PASS + " exclude each other: set one of them");
        }
        firstPass = use ? FirstPass.USE : tryFirst ? FirstPass.TRY : FirstPass.NONE;

        String source = text(options, TotpGuardSettings.JAAS_PASSWORD_SOURCE, "");
        if (mode == Mode.STANDALONE && verifierGiven && source.isEmpty()) {
            passwordSource = null;
        } else if (mode == Mode.STANDALONE) {
            if (source.isEmpty()) {
                throw bad(TotpGuardSettings.JAAS_PASSWORD_SOURCE, "'properties' or 'jdbc' in standalone mode (or set "
                        + TotpGuardSettings.JAAS_MODE + "=stacked behind another password module)");
            }
            passwordSource = choice(options, TotpGuardSettings.JAAS_PASSWORD_SOURCE, PasswordSource.class, null);
        } else {
            if (!source.isEmpty()) {
                throw bad(TotpGuardSettings.JAAS_PASSWORD_SOURCE, "unset in stacked mode, where another module checks the"
                        + " password");
            }
            passwordSource = null;
        }
        passwordFile = text(options, TotpGuardSettings.JAAS_PASSWORD_FILE, "");
        if (passwordSource == PasswordSource.PROPERTIES && passwordFile.isEmpty()) {
            throw bad(TotpGuardSettings.JAAS_PASSWORD_FILE, "the path of the users file when "
                    + TotpGuardSettings.JAAS_PASSWORD_SOURCE + "=properties");
        }
        passwordIterations = integer(options, TotpGuardSettings.JAAS_PASSWORD_ITERATIONS, PasswordHash.OWASP_ITERATIONS,
                PasswordHash.MIN_ITERATIONS, PasswordHash.MAX_ITERATIONS);
        usersJndi = text(options, TotpGuardSettings.JAAS_USERS_JNDI, "");
        usersTable = identifier(options, TotpGuardSettings.JAAS_USERS_TABLE, "totpguard_user");
        usersNameColumn = identifier(options, TotpGuardSettings.JAAS_USERS_NAME_COLUMN, "username");
        usersPasswordColumn = identifier(options, TotpGuardSettings.JAAS_USERS_PASSWORD_COLUMN, "password_hash");
        rolesTable = identifier(options, TotpGuardSettings.JAAS_ROLES_TABLE, "totpguard_user_role");
        rolesColumn = identifier(options, TotpGuardSettings.JAAS_ROLES_COLUMN, "role");

        // Every totpguard.* option of any module must be one that something reads: a misspelled store or policy
        // key would otherwise be dropped here and its default would silently apply.
        TotpGuardSettings.refuseUnknownKeys(options.keySet(), OBJECT_OPTIONS, "JAAS option");
        Map<String, String> service = new TreeMap<>();
        Map<String, String> account = new TreeMap<>();
        for (Map.Entry<String, ?> entry : options.entrySet()) {
            String key = entry.getKey();
            if (ACCOUNT_KEYS.contains(key)) {
                account.put(key, text(options, key, ""));
            } else if (key.startsWith("totpguard.jaas.")) {
                if (!KNOWN_JAAS_KEYS.contains(key) && !OBJECT_OPTIONS.contains(key)) {
                    throw new IllegalArgumentException("Unknown JAAS option " + key + ": did you mean "
                            + TotpGuardSettings.nearestKnownKey(key) + "? (the options are listed in the README of"
                            + " totpguard-jaas)");
                }
            } else if (key.startsWith("totpguard.") && !key.startsWith("totpguard.sam.")
                    && !key.startsWith("totpguard.filter.") && entry.getValue() instanceof String) {
                service.put(key, ((String) entry.getValue()).trim());
            }
        }
        serviceSettings = Map.copyOf(service);
        if (mode == Mode.STANDALONE && !account.isEmpty()) {
            // A setting nothing reads must not exist: the own password check already gives the account's stored name.
            throw new IllegalArgumentException("JAAS option " + account.keySet().iterator().next() + " must be unset"
                    + " here: this module checks the password itself and keys the second factor on the name the user source"
                    + " stores (" + TotpGuardSettings.JAAS_PASSWORD_SOURCE + "). It maps the name another module"
                    + " established, in " + TotpGuardSettings.JAAS_MODE + "=stacked only");
        }
        accountSettings = Map.copyOf(account);
        trustedProxies = TrustedProxies.fromSettings(options);
    }

    /**
     * Parses and validates a JAAS option map.
     *
     * @throws IllegalArgumentException naming the first bad option and what it expects
     */
    static LoginModuleOptions parse(Map<String, ?> options) {
        return parse(options, false);
    }

    /** As {@link #parse(Map)}; {@code verifierGiven}: a PasswordVerifier instance replaces the password source. */
    static LoginModuleOptions parse(Map<String, ?> options, boolean verifierGiven) {
        return new LoginModuleOptions(options == null ? Map.of() : options, verifierGiven);
    }

    Mode mode() {
        return mode;
    }

    /** {@code null} in stacked mode, or when a PasswordVerifier instance was given. */
    PasswordSource passwordSource() {
        return passwordSource;
    }

    String passwordFile() {
        return passwordFile;
    }

    int passwordIterations() {
        return passwordIterations;
    }

    /** Empty: use the store's DataSource. */
    String usersJndi() {
        return usersJndi;
    }

    String usersTable() {
        return usersTable;
    }

    String usersNameColumn() {
        return usersNameColumn;
    }

    String usersPasswordColumn() {
        return usersPasswordColumn;
    }

    String rolesTable() {
        return rolesTable;
    }

    String rolesColumn() {
        return rolesColumn;
    }

    CodeSource codeSource() {
        return codeSource;
    }

    String codeField() {
        return codeField;
    }

    /** Empty: the code is the bare last N digits. */
    String codeSeparator() {
        return codeSeparator;
    }

    boolean forwardPass() {
        return forwardPass;
    }

    FirstPass firstPass() {
        return firstPass;
    }

    NotEnrolled notEnrolled() {
        return notEnrolled;
    }

    boolean debug() {
        return debug;
    }

    /** The proxies whose forwarding headers give the client address (where the module sees the request: Jetty). */
    TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /**
     * The {@code totpguard.*} store and policy keys (not {@code .jaas.*}, {@code .sam.*}, {@code .filter.*},
     * {@code .account.*}), for the service.
     */
    Map<String, String> serviceSettings() {
        return serviceSettings;
    }

    /**
     * The {@code totpguard.account.*} keys (stacked mode only; empty otherwise): how to map the name the password
     * module established to the account's stored name, see {@link dev.totpguard.store.JdbcAccountResolver}.
     */
    Map<String, String> accountSettings() {
        return accountSettings;
    }

    private static String text(Map<String, ?> options, String key, String fallback) {
        Object value = options.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String)) {
            throw bad(key, "a text value");
        }
        return ((String) value).trim();
    }

    private static boolean bool(Map<String, ?> options, String key, boolean fallback) {
        String value = text(options, key, "");
        if (value.isEmpty()) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(key, "true or false, not '" + value + "'");
    }

    private static int integer(Map<String, ?> options, String key, int fallback, int min, int max) {
        String value = text(options, key, "");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw bad(key, "a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static String identifier(Map<String, ?> options, String key, String fallback) {
        try {
            return JdbcPasswordVerifier.Builder.identifier(key, text(options, key, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JAAS option " + e.getMessage(), e);
        }
    }

    private static <E extends Enum<E>> E choice(Map<String, ?> options, String key, Class<E> type, E fallback) {
        String value = text(options, key, "");
        if (value.isEmpty() && fallback != null) {
            return fallback;
        }
        for (E candidate : type.getEnumConstants()) {
            if (candidate.name().equals(value.toUpperCase(Locale.ROOT))) {
                return candidate;
            }
        }
        StringBuilder expected = new StringBuilder();
        for (E candidate : type.getEnumConstants()) {
            expected.append(expected.length() == 0 ? "" : " or ").append(candidate.name().toLowerCase(Locale.ROOT));
        }
        throw bad(key, expected + ", not '" + value + "'");
    }

    private static IllegalArgumentException bad(String key, String expected) {
        return new IllegalArgumentException("JAAS option " + key + " must be " + expected);
    }

    @Override
    public String toString() {
        return "LoginModuleOptions[" + mode + ", code " + codeSource + ", first pass " + firstPass + "]";
    }
}
