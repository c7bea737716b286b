package dev.totpguard.jaas;

import dev.totpguard.internal.web.TrustedProxies;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated options of one {@link TotpLoginModule} configuration entry (or of the Jakarta Authentication module),
 * read through {@link Settings}: {@link #parse(Map)} throws an {@link IllegalArgumentException} whose message names
 * the option, its value and the expected form; values of password-like options are never repeated. Immutable.
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

    /** Standard JAAS option: take name and password from the shared state only. */
    static final String USE_FIRST_PASS = "use_first_pass";
    /** Standard JAAS option: try the shared state first, then ask the callback handler. */
    static final String TRY_FIRST_PASS = "try_first_pass";
    /** Standard JAAS option: log each outcome (user and result, never a password or code). */
    static final String DEBUG = "debug";

    /** The keys of an {@link dev.totpguard.AccountResolver} over the user table, read in stacked mode only. */
    private static final Set<String> ACCOUNT_KEYS = Set.of(TotpGuardSettings.ACCOUNT_QUERY,
            TotpGuardSettings.ACCOUNT_JNDI_DATASOURCE);

    enum PasswordSource { PROPERTIES, JDBC }

    private static final String IDENTIFIER_FORM = "a plain SQL identifier such as totpguard_user or myschema.users";

    private final Settings settings;
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

    /**
     * Refuses the keys of features these modules do not have: trusted browsers and the enrollment grace need pages and
     * cookies that only the servlet filter and the Spring Security module have. Accepted and ignored, they would leave an
     * operator believing in a grace that never comes (every user without a second factor is refused here) or a
     * "remember this browser" that is never offered.
     */
    private static void refuseUnsupported(Settings read) {
        for (String key : List.of(TotpGuardSettings.TRUSTED_BROWSER_DAYS, TotpGuardSettings.ENFORCEMENT_GRACE_DAYS,
                TotpGuardSettings.ENFORCEMENT_GRACE_SIGN_INS)) {
            if (read.keys().contains(key)) {
                throw read.invalid(key, "unset: the JAAS and Jakarta Authentication modules have no trusted browsers and"
                        + " no enrollment grace (the servlet filter and the Spring Security module have both)");
            }
        }
    }

    private LoginModuleOptions(Map<String, ?> options, boolean verifierGiven, String source) {
        // Refuses a totpguard.* option of any module that nothing reads: a misspelled store or policy key would
        // otherwise be dropped here and its default would silently apply.
        Settings read = Settings.of(options, source);
        settings = read;
        refuseUnsupported(read);
        mode = choice(read, TotpGuardSettings.JAAS_MODE, Mode.class).orElse(Mode.STANDALONE);
        codeSource = choice(read, TotpGuardSettings.JAAS_CODE_SOURCE, CodeSource.class).orElse(CodeSource.CALLBACK);
        String fieldForm = "a request parameter name of 1 to 64 characters";
        if (options.get(TotpGuardSettings.JAAS_CODE_FIELD) != null && read.string(TotpGuardSettings.JAAS_CODE_FIELD).isEmpty()) {
            // Set, but to nothing: a form field without a name is a mistake, not a wish for the default.
            throw read.invalid(TotpGuardSettings.JAAS_CODE_FIELD, fieldForm);
        }
        codeField = read.parsed(TotpGuardSettings.JAAS_CODE_FIELD, fieldForm, field -> checked(field, field.length() <= 64))
                .orElse("j_totp");
        codeSeparator = read.parsed(TotpGuardSettings.JAAS_CODE_SEPARATOR, "up to 8 characters without digits, or"
                + " 'none' for the bare last digits", separator -> separator.equalsIgnoreCase("none") ? ""
                : checked(separator, separator.length() <= 8 && separator.chars().noneMatch(c -> c >= '0' && c <= '9')))
                .orElse(":");
        forwardPass = read.bool(TotpGuardSettings.JAAS_FORWARD_PASS).orElse(false);
        if (read.string(TotpGuardSettings.JAAS_NOT_ENROLLED).filter("enroll"::equalsIgnoreCase).isPresent()) {
            throw new IllegalArgumentException(ENROLL_REMOVED);
        }
        notEnrolled = choice(read, TotpGuardSettings.JAAS_NOT_ENROLLED, NotEnrolled.class).orElse(NotEnrolled.REFUSE);
        debug = read.bool(DEBUG).orElse(false);
        // The JDK's own modules spell them useFirstPass / tryFirstPass: both spellings are accepted.
        boolean use = read.bool(USE_FIRST_PASS).orElse(false) | read.bool("useFirstPass").orElse(false);
        boolean tryFirst = read.bool(TRY_FIRST_PASS).orElse(false) | read.bool("tryFirstPass").orElse(false);
        if (use && tryFirst) {
            throw read.invalid(USE_FIRST_PASS, "unset when " + TRY_FIRST_PASS + " is set: the two exclude each other");
        }
        firstPass = use ? FirstPass.USE : tryFirst ? FirstPass.TRY : FirstPass.NONE;

        Optional<PasswordSource> passwords = choice(read, TotpGuardSettings.JAAS_PASSWORD_SOURCE, PasswordSource.class);
        if (mode == Mode.STANDALONE && passwords.isEmpty() && !verifierGiven) {
            throw read.invalid(TotpGuardSettings.JAAS_PASSWORD_SOURCE, "properties or jdbc in standalone mode (or set "
                    + TotpGuardSettings.JAAS_MODE + "=stacked behind another password module)");
        }
        if (mode == Mode.STACKED && passwords.isPresent()) {
            throw read.invalid(TotpGuardSettings.JAAS_PASSWORD_SOURCE, "unset in stacked mode, where another module"
                    + " checks the password");
        }
        passwordSource = passwords.orElse(null);
        passwordFile = read.string(TotpGuardSettings.JAAS_PASSWORD_FILE).orElse("");
        if (passwordSource == PasswordSource.PROPERTIES && passwordFile.isEmpty()) {
            throw read.invalid(TotpGuardSettings.JAAS_PASSWORD_FILE, "the path of the users file when "
                    + TotpGuardSettings.JAAS_PASSWORD_SOURCE + "=properties");
        }
        passwordIterations = read.integer(TotpGuardSettings.JAAS_PASSWORD_ITERATIONS, PasswordHash.MIN_ITERATIONS,
                PasswordHash.MAX_ITERATIONS).orElse(PasswordHash.OWASP_ITERATIONS);
        usersJndi = read.string(TotpGuardSettings.JAAS_USERS_JNDI).orElse("");
        usersTable = identifier(read, TotpGuardSettings.JAAS_USERS_TABLE, "totpguard_user");
        usersNameColumn = identifier(read, TotpGuardSettings.JAAS_USERS_NAME_COLUMN, "username");
        usersPasswordColumn = identifier(read, TotpGuardSettings.JAAS_USERS_PASSWORD_COLUMN, "password_hash");
        rolesTable = identifier(read, TotpGuardSettings.JAAS_ROLES_TABLE, "totpguard_user_role");
        rolesColumn = identifier(read, TotpGuardSettings.JAAS_ROLES_COLUMN, "role");

        Map<String, String> service = new TreeMap<>();
        Map<String, String> account = new TreeMap<>();
        for (String key : options.keySet()) {
            if (ACCOUNT_KEYS.contains(key)) {
                read.string(key).ifPresent(value -> account.put(key, value));
            } else if (key.startsWith("totpguard.") && !key.startsWith("totpguard.jaas.") && !key.startsWith("totpguard.sam.")
                    && !key.startsWith("totpguard.filter.")) {
                read.string(key).ifPresent(value -> service.put(key, value));
            }
        }
        serviceSettings = Map.copyOf(service);
        if (mode == Mode.STANDALONE && !account.isEmpty()) {
            // A setting nothing reads must not exist: the own password check already gives the account's stored name.
            throw read.invalid(account.keySet().iterator().next(), "unset here: this module checks the password itself"
                    + " and keys the second factor on the name the user source stores ("
                    + TotpGuardSettings.JAAS_PASSWORD_SOURCE + "). It maps the name another module established, in "
                    + TotpGuardSettings.JAAS_MODE + "=stacked only");
        }
        accountSettings = Map.copyOf(account);
        trustedProxies = TrustedProxies.fromSettings(read);
    }

    /** One of {@code type}'s constants, written in lower case as the JAAS options are documented. */
    private static <E extends Enum<E>> Optional<E> choice(Settings read, String key, Class<E> type) {
        String[] words = java.util.Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        return read.word(key, words).map(word -> Enum.valueOf(type, word.toUpperCase(Locale.ROOT)));
    }

    private static String checked(String value, boolean valid) {
        if (!valid) {
            throw new IllegalArgumentException("not of the expected form");
        }
        return value;
    }

    private static String identifier(Settings read, String key, String fallback) {
        return read.parsed(key, IDENTIFIER_FORM, name -> JdbcPasswordVerifier.Builder.identifier(key, name)).orElse(fallback);
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
        return parse(options, verifierGiven, "JAAS option");
    }

    /** As {@link #parse(Map, boolean)}, naming {@code source} ("authentication module option") in messages. */
    static LoginModuleOptions parse(Map<String, ?> options, boolean verifierGiven, String source) {
        return new LoginModuleOptions(options == null ? Map.of() : options, verifierGiven, source);
    }

    /** All the options, for the service, the users DataSource and the account resolver built from them. */
    Settings settings() {
        return settings;
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

    @Override
    public String toString() {
        return "LoginModuleOptions[" + mode + ", code " + codeSource + ", first pass " + firstPass + "]";
    }
}
