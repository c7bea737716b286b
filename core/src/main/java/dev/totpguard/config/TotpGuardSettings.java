package dev.totpguard.config;

import dev.totpguard.TwoFactorPolicy;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one set of configuration keys of TOTP Guard, read alike from servlet init-params and context params,
 * JAAS login-module options and Jakarta Authentication module options. Every key is optional and has the
 * documented default; a value of the wrong form makes start-up fail with an {@link IllegalArgumentException}
 * that names the key and the expected form. Every module reads them through one internal reader, which also refuses a
 * {@code totpguard.*} key that is not declared here.
 *
 * <p>The default of a key is written once, where the value is used: the policy keys' defaults are those of
 * {@link TwoFactorPolicy#defaults()}, the store and key keys' those of {@link TwoFactorServiceFactory}, and the
 * adapter modules' ({@code totpguard.filter.*}, {@code totpguard.jaas.*}, {@code totpguard.sam.*}) those of their
 * own settings classes; the javadoc below states each.
 */
public final class TotpGuardSettings {

    // ---- policy

    /** Issuer shown in authenticator apps. Default {@code TOTP Guard}; must not contain a colon. */
    public static final String ISSUER = "totpguard.issuer";
    /** {@code OPTIONAL} (users without a second factor pass) or {@code REQUIRED} (they must enroll). Default {@code OPTIONAL}. */
    public static final String ENFORCEMENT = "totpguard.enforcement";
    /**
     * With {@link #ENFORCEMENT} {@code REQUIRED}: days, 0 to 90, during which an account without a second factor still
     * passes with its password alone and is shown a notice linking to the set-up; afterwards every protected page leads
     * to enrollment. Counted from when enforcement was first seen on (for accounts that existed then) or the account's
     * creation (later ones), never restarted by a login, a restart or a reset. Default 0: no grace.
     */
    public static final String ENFORCEMENT_GRACE_DAYS = "totpguard.enforcement.grace.days";
    /**
     * With {@link #ENFORCEMENT} {@code REQUIRED}: password sign-ins, 0 to 100, an account without a second factor may
     * still make before it must enroll (with {@link #ENFORCEMENT_GRACE_DAYS}: whichever runs out first). Counted once
     * per sign-in in the store, so across nodes. Default 0: no sign-in limit.
     */
    public static final String ENFORCEMENT_GRACE_SIGN_INS = "totpguard.enforcement.grace.sign-ins";
    /** HMAC function for new enrollments: {@code SHA1}, {@code SHA256} or {@code SHA512}. Default {@code SHA1}. */
    public static final String ALGORITHM = "totpguard.algorithm";
    /** Code length for new enrollments: 6, 7 or 8. Default 6. */
    public static final String DIGITS = "totpguard.digits";
    /** Time step for new enrollments in seconds, 1 to 3600. Default 30. */
    public static final String PERIOD = "totpguard.period";
    /** Steps accepted before and after the current one, 0 to 10. Default 1 (RFC 6238 section 5.2). */
    public static final String WINDOW = "totpguard.window";
    /** Steps accepted before the current one; overrides {@link #WINDOW} for that side. */
    public static final String WINDOW_BACK = "totpguard.window.back";
    /** Steps accepted after the current one; overrides {@link #WINDOW} for that side. */
    public static final String WINDOW_AHEAD = "totpguard.window.ahead";
    /** Secret size in bytes, 16 to 128. Default 20 (160 bits, RFC 4226 section 4). */
    public static final String SECRET_BYTES = "totpguard.secret.bytes";
    /** Recovery codes per set, 1 to 50. Default 10. */
    public static final String RECOVERY_COUNT = "totpguard.recovery.count";
    /** Consecutive failures that lock the second factor, 1 to 100. Default 5. */
    public static final String LOCKOUT_FAILURES = "totpguard.lockout.failures";
    /** First lock duration, ISO-8601 ({@code PT1M}); each further failure doubles it. Default {@code PT1M}. */
    public static final String LOCKOUT_BASE = "totpguard.lockout.base";
    /** Longest lock duration, ISO-8601. Default {@code PT1H}. */
    public static final String LOCKOUT_MAX = "totpguard.lockout.max";
    /** Attempts one client address may fail within {@link #ADDRESS_WINDOW}, 0 (no limit) to 100000. Default 50. */
    public static final String ADDRESS_FAILURES = "totpguard.address.failures";
    /** Window of the per-address limit, ISO-8601. Default {@code PT15M}. */
    public static final String ADDRESS_WINDOW = "totpguard.address.window";
    /**
     * Password attempts (right or wrong) one account name may make within {@link #PASSWORD_WINDOW}, 0 (no limit) to
     * 100000; further ones are refused before the password is hashed. Default 10.
     */
    public static final String PASSWORD_ACCOUNT_ATTEMPTS = "totpguard.password.account-attempts";
    /** Password attempts (right or wrong) one client address may make within {@link #PASSWORD_WINDOW}, 0 to 100000. Default 100. */
    public static final String PASSWORD_ADDRESS_ATTEMPTS = "totpguard.password.address-attempts";
    /** Window of the two password limits, ISO-8601. Default {@code PT15M}. */
    public static final String PASSWORD_WINDOW = "totpguard.password.window";
    /** Passwords hashed at the same time, 1 to 1024. Default: the number of available processors. */
    public static final String PASSWORD_CONCURRENCY = "totpguard.password.concurrency";
    /**
     * How long a login waits for its turn to hash (ISO-8601, {@code PT0S} to {@code PT30S}) before it is answered
     * "busy, try again". Default {@code PT1S}.
     */
    public static final String PASSWORD_QUEUE_WAIT = "totpguard.password.queue-wait";
    /**
     * How long a started enrollment can be confirmed (ISO-8601 duration, PT1M to PT24H). Default PT10M; after
     * it the pending secret is neither shown nor accepted and the session starts a new enrollment.
     */
    public static final String ENROLLMENT_TIMEOUT = "totpguard.enrollment.timeout";
    /**
     * How long a node may rely on what it last read of an account's session revocation (ISO-8601 duration, PT0S to
     * PT5M): a reset, disable, lock, new secret or {@code TwoFactorService.revokeSessions} on another node ends that
     * account's verified sessions here within this time, without a database read per request. Default {@code PT10S};
     * {@code PT0S} reads the store on every request.
     */
    public static final String SESSIONS_REFRESH = "totpguard.sessions.refresh";
    /**
     * "Remember this browser": for how many days (0 to 90) a browser whose user ticked "trust this browser" with a
     * correct code skips the code at later password logins of the same account (never the password, a step-up path,
     * an enrollment or a change of the second factor). Default 0: off, and the choice is not offered.
     */
    public static final String TRUSTED_BROWSER_DAYS = "totpguard.trusted-browser.days";
    /**
     * How many authenticators (apps or devices, each with its own secret) one account may have, 1 to 20. Every code is
     * checked against each, so the chance of a guess grows with the number (SECURITY.md). Default 5.
     */
    public static final String AUTHENTICATORS_MAX = "totpguard.authenticators.max";

    // ---- clients behind reverse proxies

    /**
     * Comma-separated IP addresses and CIDR ranges of the reverse proxies whose {@code Forwarded} /
     * {@code X-Forwarded-For} / {@code X-Forwarded-Proto} headers are believed: only when the direct peer is one of
     * them, taking the right-most hop that is not (see SECURITY.md). Read by the filter, the JAAS module (under
     * Jetty, where it sees the request), the Jakarta Authentication module and the example. Default none.
     */
    public static final String TRUSTED_PROXIES = "totpguard.trusted-proxies";

    // ---- store

    /** JDBC URL of the credential store. Default {@link #DEFAULT_JDBC_URL}. */
    public static final String JDBC_URL = "totpguard.jdbc.url";
    /** Database user. Default none ({@code sa} for the default H2 database). */
    public static final String JDBC_USER = "totpguard.jdbc.user";
    /** Database password. Default empty. */
    public static final String JDBC_PASSWORD = "totpguard.jdbc.password";
    /** Connection pool size, 1 to 200. Default 10. */
    public static final String JDBC_POOL_SIZE = "totpguard.jdbc.pool-size";
    /** Table name prefix, a lower-case SQL identifier start. Default {@code totpguard_}. */
    public static final String JDBC_TABLE_PREFIX = "totpguard.jdbc.table-prefix";
    /** JNDI name of a container-managed {@code DataSource}; wins over {@link #JDBC_URL}. */
    public static final String JNDI_DATASOURCE = "totpguard.jndi.datasource";
    /** Create missing tables at start: {@code true} or {@code false}. Default {@code true} for H2, {@code false} otherwise. */
    public static final String SCHEMA_CREATE = "totpguard.schema.create";

    // ---- keys that encrypt secrets at rest (one of the three is required)

    /** Path of the key file (created once with {@code KeyRing.generateKeyFile}, mode 0600). */
    public static final String KEY_FILE = "totpguard.key.file";
    /** Name of an environment variable holding the base64 key(s). */
    public static final String KEY_ENV = "totpguard.key.env";
    /** Path of a PKCS12 key store holding AES-256 secret keys. */
    public static final String KEYSTORE_FILE = "totpguard.keystore.file";
    /** Password of {@link #KEYSTORE_FILE}. */
    public static final String KEYSTORE_PASSWORD = "totpguard.keystore.password";
    /** Alias of the current key in {@link #KEYSTORE_FILE}. Default {@code totpguard}. */
    public static final String KEYSTORE_ALIAS = "totpguard.keystore.alias";

    // ---- servlet filter (module filter, dev.totpguard.filter.TotpFilter)

    /** Comma-separated servlet URL patterns that need the second factor. Default {@code /admin/*}. */
    public static final String FILTER_PROTECTED = "totpguard.filter.protected";
    /** Comma-separated URL patterns inside the protected ones that pass without it. Default none. */
    public static final String FILTER_EXEMPT = "totpguard.filter.exempt";
    /** URL patterns that need a code entered within {@link #FILTER_STEP_UP_MAX_AGE}, even in a verified session. Default none. */
    public static final String FILTER_STEP_UP_PATHS = "totpguard.filter.step-up.paths";
    /** ISO-8601 duration for step-up paths and for setting up a new authenticator. Default {@code PT5M}. */
    public static final String FILTER_STEP_UP_MAX_AGE = "totpguard.filter.step-up.max-age";
    /** Path prefix of the filter's own pages. Default {@code /totpguard}. */
    public static final String FILTER_PAGES = "totpguard.filter.pages";
    /** Where to go after the code when no original page was saved. Default {@code /admin/}. */
    public static final String FILTER_DEFAULT_TARGET = "totpguard.filter.default-target";
    /** Where to send a browser that must sign in (again); a path behind the container login. Default: the default target. */
    public static final String FILTER_LOGIN = "totpguard.filter.login";
    /** Where to go after the filter's "Sign out". Default: the login path. */
    public static final String FILTER_LOGOUT_TARGET = "totpguard.filter.logout-target";
    /** ISO-8601 duration a user signed in with a password has to enter the code. Default {@code PT5M}. */
    public static final String FILTER_HALF_AUTH_TIMEOUT = "totpguard.filter.half-auth.timeout";
    /**
     * ISO-8601 duration after which a verified session asks for a code again (the page asked for is kept as the
     * return target). Default {@code PT12H}, NIST SP 800-63B's reauthentication bound at AAL2; {@code PT0S} means
     * never, which leaves a stolen session valid for as long as the container keeps it.
     */
    public static final String FILTER_MAX_AGE = "totpguard.filter.max-age";
    /** Base name of the ResourceBundle with the pages' texts. Default {@code dev.totpguard.internal.web.messages}. */
    public static final String FILTER_MESSAGES = "totpguard.filter.messages";
    /**
     * The languages the pages' bundle has, as comma-separated language tags, the first the default (e.g.
     * {@code en,de}). A request's {@code Accept-Language} is matched against these only, so what clients send never
     * reaches the bundle cache. Default {@code en,de}, the languages TOTP Guard ships.
     */
    public static final String FILTER_LOCALES = "totpguard.filter.locales";
    /** Class name of a {@code dev.totpguard.filter.UserResolver} with a public no-argument constructor. Default: the remote user. */
    public static final String FILTER_USER_RESOLVER = "totpguard.filter.user-resolver";
    /**
     * Class name of a {@code dev.totpguard.AccountResolver} with a public no-argument constructor, applied to the
     * name the user resolver gives. Default: {@link #ACCOUNT_QUERY} when set, else the name as given.
     */
    public static final String FILTER_ACCOUNT_RESOLVER = "totpguard.filter.account-resolver";
    /**
     * Prefix of the keys that replace a built-in page by an application path, followed by {@code token},
     * {@code recovery}, {@code enroll}, {@code codes}, {@code manage}, {@code unavailable} or {@code message}.
     */
    public static final String FILTER_PAGE_PREFIX = "totpguard.filter.page.";
    /**
     * Comma-separated names of the filters that sign users in (e.g. {@code springSecurityFilterChain}, Shiro's
     * {@code ShiroFilter}) and that the filter must run right after. Default none: the filter runs first, as
     * container logins (FORM, BASIC, JAAS, Jakarta Authentication) need. Checked at start-up.
     */
    public static final String FILTER_AFTER = "totpguard.filter.after";

    /**
     * The application's product name, shown in a header above the filter's pages and in their titles: plain text of
     * at most 100 characters. Default none (no header; the titles name "Two-factor authentication").
     */
    public static final String FILTER_BRAND_NAME = "totpguard.filter.brand.name";
    /**
     * A logo beside the product name (which it needs, as its text alternative): a path in the application such as
     * {@code /static/logo.svg}, exactly one leading {@code /}, no scheme, host, {@code //}, backslash, space or control
     * character. The pages' CSP then allows {@code img-src 'self'}. Default none.
     */
    public static final String FILTER_BRAND_LOGO = "totpguard.filter.brand.logo";
    /**
     * A style sheet applied after the built-in one, a path in the application of the same form as
     * {@link #FILTER_BRAND_LOGO}. The pages' CSP then allows {@code style-src 'self'}. Default none.
     */
    public static final String FILTER_BRAND_STYLESHEET = "totpguard.filter.brand.stylesheet";
    /** Where the product name and logo link to, a path in the application; needs {@link #FILTER_BRAND_NAME}. Default no link. */
    public static final String FILTER_BRAND_HOME = "totpguard.filter.brand.home";

    /** The page names that may follow {@link #FILTER_PAGE_PREFIX}. */
    static final List<String> FILTER_PAGE_NAMES = List.of("token", "recovery", "enroll", "codes", "manage",
            "unavailable", "message");

    // ---- JAAS login module and Jakarta Authentication module (totpguard-jaas)

    /** {@code standalone} (default: password and code) or {@code stacked} (code only, after another module). */
    public static final String JAAS_MODE = "totpguard.jaas.mode";
    /** Where passwords are checked in standalone mode and by the Jakarta Authentication module: {@code properties} or {@code jdbc}. */
    public static final String JAAS_PASSWORD_SOURCE = "totpguard.jaas.password.source";
    /** The users file of {@code password.source=properties}: {@code user = pbkdf2-sha256$...[, role ...]} lines. */
    public static final String JAAS_PASSWORD_FILE = "totpguard.jaas.password.file";
    /** PBKDF2 iterations of the dummy hash for unknown users; default 600000 (OWASP). Use your hashes' count. */
    public static final String JAAS_PASSWORD_ITERATIONS = "totpguard.jaas.password.iterations";
    /** JNDI name of the users DataSource of {@code password.source=jdbc}; default: the store's DataSource. */
    public static final String JAAS_USERS_JNDI = "totpguard.jaas.users.jndi";
    /** User table of {@code password.source=jdbc}; default {@code totpguard_user}. */
    public static final String JAAS_USERS_TABLE = "totpguard.jaas.users.table";
    /** User name column, in the user and the role table; default {@code username}. */
    public static final String JAAS_USERS_NAME_COLUMN = "totpguard.jaas.users.name-column";
    /** Password hash column; default {@code password_hash}. */
    public static final String JAAS_USERS_PASSWORD_COLUMN = "totpguard.jaas.users.password-column";
    /** Role table; default {@code totpguard_user_role}. */
    public static final String JAAS_ROLES_TABLE = "totpguard.jaas.roles.table";
    /** Role column; default {@code role}. */
    public static final String JAAS_ROLES_COLUMN = "totpguard.jaas.roles.role-column";
    /** {@code callback} (default: TotpCallback, or Jetty's request parameter) or {@code appended} (end of the password). */
    public static final String JAAS_CODE_SOURCE = "totpguard.jaas.code.source";
    /** Request parameter holding the code under Jetty's JAASLoginService; default {@code j_totp}. */
    public static final String JAAS_CODE_FIELD = "totpguard.jaas.code.field";
    /** Appended mode: text between password and code, default {@code :}; {@code none}: the bare last N digits. */
    public static final String JAAS_CODE_SEPARATOR = "totpguard.jaas.code.separator";
    /** {@code true}: put the user name and the password without the code into the JAAS shared state. Default false. */
    public static final String JAAS_FORWARD_PASS = "totpguard.jaas.forward-pass";
    /**
     * A right password without an active TOTP: only {@code refuse} (the default). {@code enroll}, which let such users
     * into every application sharing the realm, stops the module with a message naming the command-line enrollment.
     */
    public static final String JAAS_NOT_ENROLLED = "totpguard.jaas.not-enrolled";

    /** Jakarta Authentication module: {@code two-step} (password page, then code page; default) or {@code one-page}. */
    public static final String SAM_FLOW = "totpguard.sam.flow";
    /** Path prefix (in the application) of the module's own pages; default {@code /totpguard}. */
    public static final String SAM_PATH = "totpguard.sam.path";
    /** Where to go after login when no page was asked for; a path in the application, default {@code /}. */
    public static final String SAM_LANDING = "totpguard.sam.landing";
    /** How long the code step may follow the password step (ISO-8601 duration); default {@code PT5M}. */
    public static final String SAM_PENDING_TIMEOUT = "totpguard.sam.pending-timeout";
    /** The Jakarta Authentication module's pages: the product name, as {@link #FILTER_BRAND_NAME}. Default none. */
    public static final String SAM_BRAND_NAME = "totpguard.sam.brand.name";
    /** The module's pages: a logo, as {@link #FILTER_BRAND_LOGO}. Default none. */
    public static final String SAM_BRAND_LOGO = "totpguard.sam.brand.logo";
    /** The module's pages: a style sheet, as {@link #FILTER_BRAND_STYLESHEET}. Default none. */
    public static final String SAM_BRAND_STYLESHEET = "totpguard.sam.brand.stylesheet";
    /** The module's pages: where the name links to, as {@link #FILTER_BRAND_HOME}. Default no link. */
    public static final String SAM_BRAND_HOME = "totpguard.sam.brand.home";

    // ---- Spring Security module (totpguard-spring-security)

    /** The Spring Security module's pages: the product name, as {@link #FILTER_BRAND_NAME}. Default none. */
    public static final String SPRING_BRAND_NAME = "totpguard.spring.brand.name";
    /** The module's pages: a logo, as {@link #FILTER_BRAND_LOGO}. Default none. */
    public static final String SPRING_BRAND_LOGO = "totpguard.spring.brand.logo";
    /** The module's pages: a style sheet, as {@link #FILTER_BRAND_STYLESHEET}. Default none. */
    public static final String SPRING_BRAND_STYLESHEET = "totpguard.spring.brand.stylesheet";
    /** The module's pages: where the name links to, as {@link #FILTER_BRAND_HOME}. Default no link. */
    public static final String SPRING_BRAND_HOME = "totpguard.spring.brand.home";

    /**
     * SQL that maps a signed-in name to the account's canonical id, with one {@code ?} for the name, e.g.
     * {@code SELECT username FROM users WHERE username = ?}: exactly one row, or the login is refused. Read by
     * the filter and by the JAAS module in stacked mode ({@code dev.totpguard.store.JdbcAccountResolver}); refused where
     * the module checks the password itself (standalone, the Jakarta Authentication module), whose check already
     * gives the stored name.
     */
    public static final String ACCOUNT_QUERY = "totpguard.account.query";
    /** JNDI name of the DataSource {@link #ACCOUNT_QUERY} runs on; default: {@link #JNDI_DATASOURCE}, the store's. */
    public static final String ACCOUNT_JNDI_DATASOURCE = "totpguard.account.jndi-datasource";

    /** The embedded default: an H2 database file under {@code ./totpguard-data}, no server needed. */
    public static final String DEFAULT_JDBC_URL = "jdbc:h2:file:./totpguard-data/totpguard";

    /**
     * Every key declared above: each {@code public static final String} constant whose value is a
     * {@code totpguard.} key, plus the page keys under {@link #FILTER_PAGE_PREFIX}. Collected from the constants
     * themselves so that a key added here is known everywhere without a second list to keep in step.
     */
    private static final Set<String> KNOWN_KEYS = collectKnownKeys();

    private TotpGuardSettings() {
    }

    /** All keys of TOTP Guard, of every module, sorted. Unmodifiable. */
    public static Set<String> knownKeys() {
        return KNOWN_KEYS;
    }

    private static Set<String> collectKnownKeys() {
        Set<String> keys = new TreeSet<>();
        for (Field field : TotpGuardSettings.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (field.getType() != String.class || !Modifier.isPublic(modifiers) || !Modifier.isStatic(modifiers)
                    || !Modifier.isFinal(modifiers)) {
                continue;
            }
            String value;
            try {
                value = (String) field.get(null);
            } catch (IllegalAccessException e) {
                throw new AssertionError("a public constant of TotpGuardSettings is not readable: " + field, e);
            }
            if (value.equals(FILTER_PAGE_PREFIX)) {
                for (String page : FILTER_PAGE_NAMES) {
                    keys.add(FILTER_PAGE_PREFIX + page);
                }
            } else if (value.startsWith("totpguard.")) {
                keys.add(value);
            }
        }
        return Collections.unmodifiableSet(keys);
    }
}
