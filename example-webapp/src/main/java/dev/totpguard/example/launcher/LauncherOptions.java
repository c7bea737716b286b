package dev.totpguard.example.launcher;

import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.example.mail.MailNotifier;
import dev.totpguard.example.mail.SmtpSettings;
import dev.totpguard.internal.web.TrustedProxies;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import jakarta.mail.internet.AddressException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launcher's command line: flags ({@code --port 8080} or {@code --port=8080}) anywhere, and the words of a
 * command ({@code admin add alice}) in order. Immutable.
 */
final class LauncherOptions {

    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_DATA_DIR = "totpguard-data";
    static final String KEY_FILE_NAME = "totpguard.key";
    static final String KEY_DIRECTORY_SUFFIX = "-keys";
    /** Read when {@code --jdbc-password} is not given, so the password need not show up in the process list. */
    static final String JDBC_PASSWORD_ENV = "TOTPGUARD_JDBC_PASSWORD";
    /**
     * Starts the server without TOTP Guard's filter, for the HTTP benchmark's "filter off" run only: the admin pages
     * then need the password alone. Refused unless the server listens on a loopback address.
     */
    static final String WITHOUT_TOTP_FILTER_FLAG = "--benchmark-without-totp-filter";
    /**
     * Stores the HTTP sessions in the {@code --jdbc-url} database (Jetty's JDBC session store), so that another node
     * on the same database carries on a session, verified or half-authenticated. Off by default: sessions are then
     * per node, in memory.
     */
    static final String SHARED_SESSIONS_FLAG = "--shared-sessions";
    static final String NODE_NAME_FLAG = "--node-name";
    /**
     * How long the administrator's last token code confirms a privileged action (adding an administrator, removing
     * another's second factor, the enforcement setting): TOTP Guard's {@code totpguard.filter.step-up.max-age}.
     */
    static final String STEP_UP_AGE_FLAG = "--step-up-age";
    static final Duration DEFAULT_STEP_UP_AGE = Duration.ofMinutes(5);
    /** The TOTP policy of new enrollments and of verification: TOTP Guard's {@code totpguard.algorithm} and so on. */
    static final String ALGORITHM_FLAG = "--algorithm";
    static final String DIGITS_FLAG = "--digits";
    static final String PERIOD_FLAG = "--period";
    static final String WINDOW_FLAG = "--window";
    /** "Remember this browser" on the code page: TOTP Guard's {@code totpguard.trusted-browser.days}. Default off. */
    static final String TRUSTED_BROWSER_DAYS_FLAG = "--trusted-browser-days";
    /**
     * The grace period of the setting "Require two-factor authentication" (issue 17): TOTP Guard's
     * {@code totpguard.enforcement.grace.days} and {@code .sign-ins}. Default none: the setting sends every administrator
     * without two-factor authentication to the set-up at once.
     */
    static final String GRACE_DAYS_FLAG = "--grace-days";
    static final String GRACE_SIGN_INS_FLAG = "--grace-sign-ins";
    /**
     * The notification mails (issue 17): without {@value #SMTP_HOST_FLAG} none is sent. The password of
     * {@value #SMTP_USER_FLAG} comes from {@value #SMTP_PASSWORD_FILE_FLAG} or {@value #SMTP_PASSWORD_ENV}, never from
     * the command line, which every user of the machine can read in the process list.
     */
    static final String SMTP_HOST_FLAG = "--smtp-host";
    static final String SMTP_PORT_FLAG = "--smtp-port";
    static final String SMTP_FROM_FLAG = "--smtp-from";
    static final String SMTP_STARTTLS_FLAG = "--smtp-starttls";
    static final String SMTP_TLS_FLAG = "--smtp-tls";
    static final String SMTP_USER_FLAG = "--smtp-user";
    static final String SMTP_PASSWORD_FILE_FLAG = "--smtp-password-file";
    static final String SMTP_PASSWORD_ENV = "TOTPGUARD_SMTP_PASSWORD";
    /**
     * A PKCS#12 file of the certificates that vouch for the SMTP server instead of Java's default CAs (a private CA's);
     * its password, if it has one, comes from {@value #SMTP_TRUST_STORE_PASSWORD_ENV}, never from the command line.
     */
    static final String SMTP_TRUST_STORE_FLAG = "--smtp-trust-store";
    static final String SMTP_TRUST_STORE_PASSWORD_ENV = "TOTPGUARD_SMTP_TRUST_STORE_PASSWORD";
    /** Jetty's own default worker name, used when {@value #NODE_NAME_FLAG} is not given. */
    static final String DEFAULT_NODE_NAME = "node0";

    static final String USAGE = String.join("\n",
            "TOTP Guard example: an admin web application with TOTP two-factor authentication (RFC 6238).",
            "",
            "Usage:",
            "  java -jar totpguard-example.jar [options]                      start the web application",
            "  java -jar totpguard-example.jar [options] admin list           list the administrators",
            "  java -jar totpguard-example.jar [options] admin add USER [--name NAME] [--email EMAIL]",
            "                                                                 add an administrator (asks for the password)",
            "  java -jar totpguard-example.jar [options] admin set-password USER",
            "                                                                 set a new password (asks for it)",
            "  java -jar totpguard-example.jar [options] admin reset-2fa USER remove USER's two-factor authentication",
            "                                                                 (for the admin who lost the phone and every",
            "                                                                 recovery code)",
            "  java -jar totpguard-example.jar [options] keys rotate          add a new AES key to the key file and",
            "                                                                 re-encrypt every TOTP secret with it",
            "",
            "Options:",
            "  --port N             HTTP port (default 8080; 0 picks a free port)",
            "  --host ADDRESS       network address to listen on (default 127.0.0.1, this machine only;",
            "                       0.0.0.0 for every interface, behind a TLS proxy)",
            "  --data DIR           data directory of the H2 database (default ./totpguard-data)",
            "  --jdbc-url URL       use this database instead of H2, e.g. jdbc:postgresql://db:5432/app",
            "                       or jdbc:mariadb://db:3306/app",
            "  --jdbc-user USER     database user",
            "  --jdbc-password PW   database password (or set " + JDBC_PASSWORD_ENV + ")",
            "  --key-file PATH      AES key file for the TOTP secrets (default DATA-keys/totpguard.key, beside,",
            "                       not inside, the data directory, so a backup of one never holds both), created",
            "                       on the first start; start every node of a cluster with the same file",
            "  " + SHARED_SESSIONS_FLAG + "    store the HTTP sessions in the --jdbc-url database (table JettySessions),",
            "                       so a session signed in on one node continues on any other node started so;",
            "                       the table holds account names and session markers, never passwords,",
            "                       see SECURITY.md. Default: sessions stay in each node's memory",
            "  " + NODE_NAME_FLAG + " NAME     with " + SHARED_SESSIONS_FLAG + ": this node's name, appended to session ids",
            "                       (default " + DEFAULT_NODE_NAME + "; letters and digits, unique per node)",
            "  " + STEP_UP_AGE_FLAG + " DURATION",
            "                       how long a token code confirms the privileged actions (adding an",
            "                       administrator, removing another's two-factor authentication, the",
            "                       requirement setting), ISO-8601 (default PT5M; at most PT1H); older, they ask",
            "                       for a new code",
            "  " + ALGORITHM_FLAG + " NAME     HMAC function of new enrollments: SHA1 (default), SHA256 or SHA512",
            "  " + DIGITS_FLAG + " N           code length of new enrollments, " + TotpParameters.MIN_DIGITS + " to "
                    + TotpParameters.MAX_DIGITS + " (default 6)",
            "  " + PERIOD_FLAG + " SECONDS     how often the code of new enrollments changes, " + TotpParameters.MIN_PERIOD_SECONDS + " to "
                    + TotpParameters.MAX_PERIOD_SECONDS + " (default 30)",
            "  " + WINDOW_FLAG + " STEPS       codes accepted before and after the current one, 0 to " + Totp.MAX_WINDOW
                    + " (default 1)",
            "                       Microsoft Authenticator and Authy support only SHA1, 6 digits and 30 seconds;",
            "                       Google Authenticator on Android ignores the period. The enrollment pages say so",
            "                       when these flags choose anything else. Existing enrollments keep their own",
            "                       algorithm, digits and period.",
            "  " + TRUSTED_BROWSER_DAYS_FLAG + " N",
            "                       offer \"Trust this browser for N days\" with the token code, 1 to 90: that",
            "                       browser's later sign-ins ask for the password only. Default: not offered",
            "  " + GRACE_DAYS_FLAG + " N       while \"Require two-factor authentication\" is on, an administrator without it",
            "                       may still use the admin pages for N days, 1 to " + TwoFactorPolicy.MAX_GRACE_DAYS + ", with a banner linking",
            "                       to the set-up; afterwards every admin page leads to the set-up. The period",
            "                       starts once, when the setting is turned on (or when the administrator is",
            "                       added later), never again at a sign-in or a restart. Default: no grace",
            "  " + GRACE_SIGN_INS_FLAG + " N",
            "                       the same for N sign-ins, 1 to " + TwoFactorPolicy.MAX_GRACE_SIGN_INS + " (with " + GRACE_DAYS_FLAG
                    + ": whichever runs out first)",
            "  " + SMTP_HOST_FLAG + " HOST     mail each administrator, at the address on their profile, when their",
            "                       two-factor authentication changes (set up, turned off, removed by another",
            "                       administrator, recovery code used, new recovery codes, locked), through",
            "                       this SMTP server. The mails hold no code, no secret and no link. Default:",
            "                       no mails (the start says so)",
            "  " + SMTP_PORT_FLAG + " N        its port (default 25; 587 with " + SMTP_STARTTLS_FLAG + ", 465 with " + SMTP_TLS_FLAG + ")",
            "  " + SMTP_FROM_FLAG + " ADDRESS  the mails' sender address (needed with " + SMTP_HOST_FLAG + ")",
            "  " + SMTP_STARTTLS_FLAG + "       upgrade the connection with STARTTLS; a server not offering it gets no mail",
            "  " + SMTP_TLS_FLAG + "            connect with TLS from the first byte (SMTPS)",
            "                       With either, the server's certificate must be valid for HOST and signed by",
            "                       a CA that Java trusts, else it gets no mail",
            "  " + SMTP_TRUST_STORE_FLAG + " PATH",
            "                       trust the certificates in this PKCS#12 file (a private CA's) instead of",
            "                       Java's CAs; its password, if any, in " + SMTP_TRUST_STORE_PASSWORD_ENV,
            "                       (never on the command line). Needs " + SMTP_STARTTLS_FLAG + " or " + SMTP_TLS_FLAG,
            "  " + SMTP_USER_FLAG + " USER     sign in to the SMTP server as USER, with the password in the file",
            "                       " + SMTP_PASSWORD_FILE_FLAG + " PATH or in " + SMTP_PASSWORD_ENV + " (never on the",
            "                       command line); needs " + SMTP_STARTTLS_FLAG + " or " + SMTP_TLS_FLAG + " unless HOST is a loopback address",
            "  --trusted-proxies LIST  comma-separated addresses or CIDR ranges of the reverse proxies in front;",
            "                       only from them are Forwarded / X-Forwarded-For / -Proto believed (the client's",
            "                       address for the limits, https for Secure cookies). Default: none",
            "  --help               show this text",
            "",
            "For benchmarks only (never for a real installation):",
            "  " + WITHOUT_TOTP_FILTER_FLAG + "",
            "                       start WITHOUT TOTP Guard's filter: the admin pages need the password alone.",
            "                       Only with a loopback --host; prints a warning. For measuring what the filter",
            "                       costs per request (benchmarks/run.sh), nothing else changes.",
            "",
            "The first start with an empty database creates the administrator 'admin' with the password from",
            "the environment variable TOTPGUARD_ADMIN_PASSWORD, or a random one printed once on the terminal; when",
            "the output is no terminal (a log file, a service manager), it goes to DATA/initial-admin-password",
            "(mode 0600) instead, and only that file's name is printed.",
            "Exit status: 0 done; 1 refused or failed (the reason on standard error after 'Error: '); 2 usage error.",
            "Passwords asked for are read from the console, or from standard input when there is none.",
            "");

    static final String DEFAULT_HOST = "127.0.0.1";

    private final int port;
    private final String host;
    private final Path dataDir;
    private final Optional<String> jdbcUrl;
    private final Optional<String> jdbcUser;
    private final Optional<String> jdbcPassword;
    private final Path keyFile;
    private final boolean help;
    private final boolean withoutTotpFilter;
    private final boolean sharedSessions;
    private final Optional<String> nodeName;
    private final Duration stepUpAge;
    private final Optional<String> name;
    private final Optional<String> email;
    private final List<String> command;
    private final TrustedProxies trustedProxies;
    private final Map<String, String> policySettings;
    private final Map<String, String> graceSettings;
    private final Optional<Smtp> smtp;

    private LauncherOptions(int port, String host, Path dataDir, Optional<String> jdbcUrl, Optional<String> jdbcUser,
                            Optional<String> jdbcPassword, Path keyFile, boolean help, boolean withoutTotpFilter,
                            boolean sharedSessions, Optional<String> nodeName, Duration stepUpAge, Optional<String> name,
                            Optional<String> email, List<String> command, TrustedProxies trustedProxies,
                            Map<String, String> policySettings, Map<String, String> graceSettings, Optional<Smtp> smtp) {
        this.port = port;
        this.host = host;
        this.dataDir = dataDir;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        this.keyFile = keyFile;
        this.help = help;
        this.withoutTotpFilter = withoutTotpFilter;
        this.sharedSessions = sharedSessions;
        this.nodeName = nodeName;
        this.stepUpAge = stepUpAge;
        this.name = name;
        this.email = email;
        this.command = List.copyOf(command);
        this.trustedProxies = trustedProxies;
        this.policySettings = Collections.unmodifiableMap(new LinkedHashMap<>(policySettings));
        this.graceSettings = Collections.unmodifiableMap(new LinkedHashMap<>(graceSettings));
        this.smtp = smtp;
    }

    /**
     * @param environment read for {@link #JDBC_PASSWORD_ENV}
     * @throws UsageException naming the flag and the expected form
     */
    static LauncherOptions parse(String[] args, Map<String, String> environment) throws UsageException {
        int port = DEFAULT_PORT;
        String host = DEFAULT_HOST;
        String data = null;
        String jdbcUrl = null;
        String jdbcUser = null;
        String jdbcPassword = null;
        String keyFile = null;
        String name = null;
        String email = null;
        boolean help = false;
        boolean withoutTotpFilter = false;
        boolean sharedSessions = false;
        String nodeName = null;
        Duration stepUpAge = DEFAULT_STEP_UP_AGE;
        TrustedProxies trustedProxies = TrustedProxies.none();
        Map<String, String> policySettings = new LinkedHashMap<>();
        Map<String, String> graceSettings = new LinkedHashMap<>();
        List<String> command = new ArrayList<>();
        Set<String> given = new HashSet<>();
        Map<String, String> smtpValues = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                command.add(arg);
                continue;
            }
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (flag.equals("--help")) {
                if (value != null) {
                    throw new UsageException("--help takes no value.");
                }
                help = true;
                continue;
            }
            if (flag.equals(WITHOUT_TOTP_FILTER_FLAG)) {
                if (value != null) {
                    throw new UsageException(WITHOUT_TOTP_FILTER_FLAG + " takes no value.");
                }
                withoutTotpFilter = true;
                continue;
            }
            if (flag.equals(SHARED_SESSIONS_FLAG)) {
                if (value != null) {
                    throw new UsageException(SHARED_SESSIONS_FLAG + " takes no value.");
                }
                sharedSessions = true;
                continue;
            }
            if (flag.equals(SMTP_STARTTLS_FLAG) || flag.equals(SMTP_TLS_FLAG)) {
                if (value != null) {
                    throw new UsageException(flag + " takes no value.");
                }
                smtpValues.put(flag, "");
                continue;
            }
            if (flag.equals("--smtp-password")) {
                throw new UsageException("--smtp-password is not accepted: every user of this machine can read a command line. Put the "
                        + "password in a file readable by you only and pass " + SMTP_PASSWORD_FILE_FLAG + " PATH, or set " + SMTP_PASSWORD_ENV + ".");
            }
            if (!List.of("--port", "--host", "--data", "--jdbc-url", "--jdbc-user", "--jdbc-password", "--key-file", NODE_NAME_FLAG, STEP_UP_AGE_FLAG, "--name",
                    "--email", "--trusted-proxies", ALGORITHM_FLAG, DIGITS_FLAG, PERIOD_FLAG, WINDOW_FLAG, TRUSTED_BROWSER_DAYS_FLAG,
                    GRACE_DAYS_FLAG, GRACE_SIGN_INS_FLAG, SMTP_HOST_FLAG, SMTP_PORT_FLAG, SMTP_FROM_FLAG, SMTP_USER_FLAG,
                    SMTP_PASSWORD_FILE_FLAG, SMTP_TRUST_STORE_FLAG)
                    .contains(flag)) {
                throw new UsageException("Unknown option " + flag + ". Run with --help to see the options.");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(flag + " needs a value. Run with --help to see the options.");
                }
                value = args[++i];
            }
            // The second of two values would win without a word (--window 1 --window 10): say so instead.
            if (!given.add(flag)) {
                throw new UsageException(flag + " is given twice. Give it once.");
            }
            switch (flag) {
                case "--port" -> port = parsePort(value);
                case "--host" -> host = nonEmpty(flag, value);
                case "--data" -> data = nonEmpty(flag, value);
                case "--jdbc-url" -> jdbcUrl = parseJdbcUrl(value);
                case "--jdbc-user" -> jdbcUser = value;
                case "--jdbc-password" -> jdbcPassword = value;
                case "--key-file" -> keyFile = nonEmpty(flag, value);
                case NODE_NAME_FLAG -> nodeName = parseNodeName(value);
                case STEP_UP_AGE_FLAG -> stepUpAge = parseStepUpAge(value);
                case "--name" -> name = value;
                case "--email" -> email = value;
                case "--trusted-proxies" -> trustedProxies = parseTrustedProxies(value);
                case ALGORITHM_FLAG -> policySettings.put(TotpGuardSettings.ALGORITHM, parseAlgorithm(value));
                case DIGITS_FLAG -> policySettings.put(TotpGuardSettings.DIGITS, Integer.toString(parseWhole(flag, value,
                        TotpParameters.MIN_DIGITS, TotpParameters.MAX_DIGITS, "the number of digits such as 8")));
                case PERIOD_FLAG -> policySettings.put(TotpGuardSettings.PERIOD, Integer.toString(parseWhole(flag, value,
                        TotpParameters.MIN_PERIOD_SECONDS, TotpParameters.MAX_PERIOD_SECONDS, "seconds such as 60")));
                case WINDOW_FLAG -> policySettings.put(TotpGuardSettings.WINDOW, Integer.toString(parseWhole(flag, value,
                        0, Totp.MAX_WINDOW, "a number of steps such as 1")));
                case TRUSTED_BROWSER_DAYS_FLAG -> policySettings.put(TotpGuardSettings.TRUSTED_BROWSER_DAYS, Integer.toString(
                        parseWhole(flag, value, 1, TwoFactorPolicy.MAX_TRUSTED_BROWSER_DAYS, "a number of days such as 30")));
                case GRACE_DAYS_FLAG -> graceSettings.put(TotpGuardSettings.ENFORCEMENT_GRACE_DAYS, Integer.toString(
                        parseWhole(flag, value, 1, TwoFactorPolicy.MAX_GRACE_DAYS, "a number of days such as 14")));
                case GRACE_SIGN_INS_FLAG -> graceSettings.put(TotpGuardSettings.ENFORCEMENT_GRACE_SIGN_INS, Integer.toString(
                        parseWhole(flag, value, 1, TwoFactorPolicy.MAX_GRACE_SIGN_INS, "a number of sign-ins such as 5")));
                case SMTP_HOST_FLAG, SMTP_PORT_FLAG, SMTP_FROM_FLAG, SMTP_USER_FLAG, SMTP_PASSWORD_FILE_FLAG, SMTP_TRUST_STORE_FLAG ->
                        smtpValues.put(flag, value);
                default -> throw new AssertionError("flag listed above but not handled: " + flag);
            }
        }
        if (jdbcPassword == null) {
            jdbcPassword = environment.get(JDBC_PASSWORD_ENV);
        }
        Path dataDir = Path.of(data == null ? DEFAULT_DATA_DIR : data).toAbsolutePath().normalize();
        Path key = keyFile == null ? defaultKeyFile(dataDir) : Path.of(keyFile).toAbsolutePath().normalize();
        LauncherOptions options = new LauncherOptions(port, host, dataDir, Optional.ofNullable(jdbcUrl), Optional.ofNullable(jdbcUser),
                Optional.ofNullable(jdbcPassword), key, help, withoutTotpFilter, sharedSessions, Optional.ofNullable(nodeName), stepUpAge, Optional.ofNullable(name), Optional.ofNullable(email), command,
                trustedProxies, policySettings, graceSettings, help ? Optional.empty() : Smtp.parse(smtpValues, environment));
        if (!help) {
            options.checkCommand();
        }
        return options;
    }

    private void checkCommand() throws UsageException {
        if (withoutTotpFilter) {
            if (!command.isEmpty()) {
                throw new UsageException(WITHOUT_TOTP_FILTER_FLAG + " belongs to starting the server, not to '" + String.join(" ", command) + "'.");
            }
            if (!isLoopback(host)) {
                throw new UsageException(WITHOUT_TOTP_FILTER_FLAG + " is for benchmarks on this machine only: it needs a loopback --host "
                        + "(127.0.0.1 or ::1), not '" + host + "'.");
            }
        }
        if (nodeName.isPresent() && !sharedSessions) {
            throw new UsageException(NODE_NAME_FLAG + " names this node's sessions; it belongs to " + SHARED_SESSIONS_FLAG + ".");
        }
        if (sharedSessions) {
            if (!command.isEmpty()) {
                throw new UsageException(SHARED_SESSIONS_FLAG + " belongs to starting the server, not to '" + String.join(" ", command) + "'.");
            }
            if (!isShareableDatabase(effectiveJdbcUrl())) {
                throw new UsageException(SHARED_SESSIONS_FLAG + " needs a database that every node reaches: give --jdbc-url (PostgreSQL, "
                        + "MariaDB, or an H2 server over tcp:), not " + (usesBuiltInDatabase() ? "the built-in H2 file database" : "an embedded H2 database")
                        + ", which one process holds at a time.");
            }
        }
        if ((name.isPresent() || email.isPresent()) && !(command.size() >= 2 && command.get(0).equals("admin") && command.get(1).equals("add"))) {
            throw new UsageException("--name and --email belong to 'admin add USER'.");
        }
        if (command.isEmpty()) {
            return;
        }
        String verb = command.get(0);
        if (verb.equals("admin")) {
            if (command.size() == 2 && command.get(1).equals("list")) {
                return;
            }
            if (command.size() == 3 && List.of("add", "set-password", "reset-2fa").contains(command.get(1))) {
                return;
            }
            throw new UsageException("Expected 'admin list', 'admin add USER', 'admin set-password USER' or 'admin reset-2fa USER', not '"
                    + String.join(" ", command) + "'. Run with --help for details.");
        }
        if (verb.equals("keys")) {
            if (command.size() == 2 && command.get(1).equals("rotate")) {
                return;
            }
            throw new UsageException("Expected 'keys rotate', not '" + String.join(" ", command) + "'.");
        }
        throw new UsageException("Unknown command '" + verb + "'. Commands are 'admin' and 'keys'; run with --help for details.");
    }

    /** Exactly the names the error message offers (either case): no other spelling of an algorithm gets through. */
    private static String parseAlgorithm(String value) throws UsageException {
        for (HmacAlgorithm algorithm : HmacAlgorithm.values()) {
            if (algorithm.name().equalsIgnoreCase(value)) {
                return algorithm.name();
            }
        }
        throw new UsageException(ALGORITHM_FLAG + " expects SHA1, SHA256 or SHA512, not '" + value + "'.");
    }

    /**
     * A whole number written in ASCII digits: {@link Integer#parseInt} also reads other scripts' digits ("８",
     * "٤٥"), which would let a value through that nobody reading the command line sees as a number.
     */
    private static int asciiWhole(String value) {
        if (!value.matches("[0-9]{1,9}")) {
            throw new NumberFormatException(value);
        }
        return Integer.parseInt(value);
    }

    private static int parseWhole(String flag, String value, int min, int max, String example) throws UsageException {
        try {
            int number = asciiWhole(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new UsageException(flag + " expects " + example + ", from " + min + " to " + max + ", not '" + value + "'.");
    }

    private static Duration parseStepUpAge(String value) throws UsageException {
        Duration age;
        try {
            age = Duration.parse(value);
        } catch (DateTimeParseException e) {
            age = null;
        }
        if (age == null || age.isNegative() || age.isZero() || age.compareTo(Duration.ofHours(1)) > 0) {
            throw new UsageException(STEP_UP_AGE_FLAG + " expects an ISO-8601 duration from PT1S to PT1H such as PT5M, not '" + value + "'.");
        }
        return age;
    }

    /** Literal loopback addresses only: a name such as localhost is resolved by the system, so it could be anything. */
    static boolean isLoopback(String host) {
        return host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}");
    }

    /** An embedded H2 database (a file or memory one) belongs to one process; an H2 server (tcp:, ssl:) or any other database can be shared. */
    private static boolean isShareableDatabase(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return true;
        }
        String rest = jdbcUrl.substring("jdbc:h2:".length());
        return rest.startsWith("tcp:") || rest.startsWith("ssl:");
    }

    /** Jetty appends the worker name to every session id after a dot, so it must not contain one (Jetty refuses it). */
    private static String parseNodeName(String value) throws UsageException {
        if (!value.matches("[A-Za-z0-9]{1,32}")) {
            throw new UsageException(NODE_NAME_FLAG + " expects 1 to 32 letters and digits, such as node1, not '" + value + "'.");
        }
        return value;
    }

    private static int parsePort(String value) throws UsageException {
        try {
            int port = asciiWhole(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("--port expects a number from 0 to 65535 (0 picks a free port), not '" + value + "'.");
    }

    private static String parseJdbcUrl(String value) throws UsageException {
        if (!value.startsWith("jdbc:")) {
            throw new UsageException("--jdbc-url expects a JDBC URL such as jdbc:postgresql://localhost:5432/app, not '" + value + "'.");
        }
        return value;
    }

    private static String nonEmpty(String flag, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(flag + " expects a value, not an empty one.");
        }
        return value;
    }

    int port() {
        return port;
    }

    String host() {
        return host;
    }

    /**
     * The key file's default place: a directory of its own beside the data directory ({@code ./totpguard-data-keys}),
     * never inside it, so a copy or backup of the database does not carry the key that opens its secrets.
     */
    static Path defaultKeyFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + KEY_DIRECTORY_SUFFIX).resolve(KEY_FILE_NAME);
    }

    /** Where versions before 0.1 kept the key by default: inside the data directory. */
    static Path legacyKeyFile(Path dataDir) {
        return dataDir.resolve(KEY_FILE_NAME);
    }

    Path dataDir() {
        return dataDir;
    }

    /** The database to use: the given JDBC URL, else the H2 file database in the data directory. */
    String effectiveJdbcUrl() {
        return jdbcUrl.orElseGet(() -> "jdbc:h2:file:" + dataDir.resolve("totpguard").toString().replace('\\', '/'));
    }

    boolean usesBuiltInDatabase() {
        return jdbcUrl.isEmpty();
    }

    Optional<String> jdbcUser() {
        return jdbcUser;
    }

    Optional<String> jdbcPassword() {
        return jdbcPassword;
    }

    Path keyFile() {
        return keyFile;
    }

    boolean help() {
        return help;
    }

    /** Whether to start the server without TOTP Guard's filter ({@value #WITHOUT_TOTP_FILTER_FLAG}, benchmarks only). */
    boolean withoutTotpFilter() {
        return withoutTotpFilter;
    }

    /** Whether the HTTP sessions go to the shared database ({@value #SHARED_SESSIONS_FLAG}). */
    /** {@value #STEP_UP_AGE_FLAG}, default {@link #DEFAULT_STEP_UP_AGE}. */
    Duration stepUpAge() {
        return stepUpAge;
    }

    /**
     * The policy keys the flags set ({@code totpguard.algorithm}, {@code .digits}, {@code .period}, {@code .window}),
     * checked already; empty for TOTP Guard's defaults.
     */
    Map<String, String> policySettings() {
        return policySettings;
    }

    /**
     * The grace keys the flags set ({@code totpguard.enforcement.grace.days}, {@code .sign-ins}), checked already; empty
     * for no grace. They apply to the run-time setting "Require two-factor authentication", not to the service's policy,
     * whose enforcement stays OPTIONAL (see {@code Installation.enforcementGrace}).
     */
    Map<String, String> graceSettings() {
        return graceSettings;
    }

    /** The reverse proxies whose forwarding headers are believed (none by default). */
    TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    private static TrustedProxies parseTrustedProxies(String value) throws UsageException {
        try {
            return TrustedProxies.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--trusted-proxies expects comma-separated IP addresses or CIDR ranges such as 10.0.0.0/8,"
                    + " not '" + value + "': " + e.getMessage() + ".");
        }
    }

    boolean sharedSessions() {
        return sharedSessions;
    }

    /** Where the notification mails go, or empty without {@value #SMTP_HOST_FLAG} (no mails). */
    Optional<Smtp> smtp() {
        return smtp;
    }

    /**
     * The {@code --smtp-*} flags, checked: the SMTP server, the sender, the connection's protection, the account,
     * whose password is read from its file only when the server starts ({@link #settings()}), and the trust store,
     * read then too. {@link #toString()} leaves the passwords out.
     */
    record Smtp(String host, int port, String from, SmtpSettings.Security security, Optional<String> user, Optional<Path> passwordFile,
            Optional<String> environmentPassword, Optional<Path> trustStore, Optional<String> trustStorePassword) {

        static Optional<Smtp> parse(Map<String, String> values, Map<String, String> environment) throws UsageException {
            String host = values.get(SMTP_HOST_FLAG);
            if (host == null) {
                if (!values.isEmpty()) {
                    throw new UsageException(String.join(", ", values.keySet()) + " belong" + (values.size() == 1 ? "s" : "")
                            + " to " + SMTP_HOST_FLAG + " HOST, the SMTP server of the notification mails; without it no mail is sent.");
                }
                return Optional.empty();
            }
            if (host.isBlank() || host.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new UsageException(SMTP_HOST_FLAG + " expects a host name or address such as smtp.example.com, not '" + host + "'.");
            }
            boolean startTls = values.containsKey(SMTP_STARTTLS_FLAG);
            boolean tls = values.containsKey(SMTP_TLS_FLAG);
            if (startTls && tls) {
                throw new UsageException("Give " + SMTP_STARTTLS_FLAG + " or " + SMTP_TLS_FLAG + ", not both: STARTTLS upgrades a plain "
                        + "connection (port 587), TLS starts with it (port 465).");
            }
            SmtpSettings.Security security = tls ? SmtpSettings.Security.TLS : startTls ? SmtpSettings.Security.STARTTLS : SmtpSettings.Security.NONE;
            int port = security.defaultPort();
            if (values.containsKey(SMTP_PORT_FLAG)) {
                port = parseWhole(SMTP_PORT_FLAG, values.get(SMTP_PORT_FLAG), 1, 65535, "a port number such as 587");
            }
            String from = values.get(SMTP_FROM_FLAG);
            if (from == null) {
                throw new UsageException(SMTP_HOST_FLAG + " needs " + SMTP_FROM_FLAG + " ADDRESS, the sender of the notification mails.");
            }
            try {
                MailNotifier.address(from);
            } catch (AddressException e) {
                throw new UsageException(SMTP_FROM_FLAG + " expects one plain e-mail address such as totpguard@example.com, not '"
                        + from.replaceAll("\\p{Cntrl}", "?") + "'.");
            }
            Optional<Path> trustStore = Optional.ofNullable(values.get(SMTP_TRUST_STORE_FLAG)).map(file -> Path.of(file).toAbsolutePath().normalize());
            if (trustStore.isPresent() && security == SmtpSettings.Security.NONE) {
                throw new UsageException(SMTP_TRUST_STORE_FLAG + " says whom to trust over TLS: give " + SMTP_STARTTLS_FLAG + " or "
                        + SMTP_TLS_FLAG + " with it.");
            }
            Optional<String> trustStorePassword = trustStore.flatMap(file -> Optional.ofNullable(environment.get(SMTP_TRUST_STORE_PASSWORD_ENV)));
            Optional<String> user = Optional.ofNullable(values.get(SMTP_USER_FLAG));
            Optional<Path> passwordFile = Optional.ofNullable(values.get(SMTP_PASSWORD_FILE_FLAG)).map(file -> Path.of(file).toAbsolutePath().normalize());
            Optional<String> environmentPassword = Optional.ofNullable(environment.get(SMTP_PASSWORD_ENV)).filter(password -> !password.isEmpty());
            if (user.isEmpty()) {
                if (passwordFile.isPresent()) {
                    throw new UsageException(SMTP_PASSWORD_FILE_FLAG + " belongs to " + SMTP_USER_FLAG + " USER.");
                }
                return Optional.of(new Smtp(host, port, from, security, user, passwordFile, Optional.empty(), trustStore, trustStorePassword));
            }
            if (user.get().isBlank() || user.get().codePoints().anyMatch(Character::isISOControl)) {
                throw new UsageException(SMTP_USER_FLAG + " expects the SMTP account's name, not an empty one.");
            }
            if (security == SmtpSettings.Security.NONE && !isLoopback(host)) {
                // The password would cross the network in the clear.
                throw new UsageException(SMTP_USER_FLAG + " sends a password: give " + SMTP_STARTTLS_FLAG + " or " + SMTP_TLS_FLAG
                        + " (plain SMTP with a password only to a server on this machine, such as 127.0.0.1).");
            }
            if (passwordFile.isPresent() == environmentPassword.isPresent()) {
                throw new UsageException(SMTP_USER_FLAG + " needs its password in exactly one place: a file (" + SMTP_PASSWORD_FILE_FLAG
                        + " PATH) or the environment variable " + SMTP_PASSWORD_ENV + (passwordFile.isPresent() ? ", not both." : "."));
            }
            return Optional.of(new Smtp(host, port, from, security, user, passwordFile, environmentPassword, trustStore, trustStorePassword));
        }

        /**
         * The settings, with the password read from its file (its first line) or the environment, and the trust store
         * read from its file.
         *
         * @throws StartupException if the password file cannot be read or is empty, or the trust store cannot be read
         *     (missing, not PKCS#12, wrong password) or holds no certificate
         */
        SmtpSettings settings() throws StartupException {
            Optional<String> password = environmentPassword;
            if (passwordFile.isPresent()) {
                try {
                    String first = Files.readAllLines(passwordFile.get(), StandardCharsets.UTF_8).stream().findFirst().orElse("");
                    if (first.isEmpty()) {
                        throw new StartupException("The SMTP password file " + passwordFile.get() + " is empty: its first line is the password.");
                    }
                    password = Optional.of(first);
                } catch (IOException e) {
                    throw new StartupException("Cannot read the SMTP password file " + passwordFile.get() + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
                }
            }
            Optional<KeyStore> trusted = trustStore.isEmpty() ? Optional.empty() : Optional.of(loadTrustStore());
            try {
                return new SmtpSettings(host, port, from, security, user, password, trusted);
            } catch (IllegalArgumentException e) {
                throw new StartupException(e.getMessage() + ": " + trustStore.orElseThrow()
                        + ". Put the CA certificate that signed the SMTP server's certificate in it.", e);
            }
        }

        private KeyStore loadTrustStore() throws StartupException {
            Path file = trustStore.orElseThrow();
            char[] password = trustStorePassword.map(String::toCharArray).orElse(null);
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password);
                return store;
            } catch (IOException | GeneralSecurityException e) {
                // A wrong password shows as an IOException whose cause is an UnrecoverableKeyException.
                throw new StartupException("Cannot read the SMTP trust store " + file + " (a PKCS#12 file, its password in "
                        + SMTP_TRUST_STORE_PASSWORD_ENV + "): " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
        }

        /** What the start says about the mails: where they go, never the password. */
        String describe() {
            return host + ":" + port + (security == SmtpSettings.Security.NONE ? " (plain SMTP)" : " (" + security + ")")
                    + user.map(name -> " as " + name).orElse("") + ", from " + from + trustStore.map(file -> ", trusting " + file).orElse("");
        }

        @Override
        public String toString() {
            return "Smtp[" + describe() + "]";
        }
    }

    /** This node's name in session ids, with {@value #SHARED_SESSIONS_FLAG}. */
    String nodeName() {
        return nodeName.orElse(DEFAULT_NODE_NAME);
    }

    Optional<String> name() {
        return name;
    }

    Optional<String> email() {
        return email;
    }

    /** The command words, empty to start the web application. */
    List<String> command() {
        return command;
    }

    @Override
    public String toString() {
        // The JDBC password is left out on purpose.
        return "LauncherOptions[port=" + port + ", data=" + dataDir + ", jdbcUrl=" + effectiveJdbcUrl() + ", keyFile=" + keyFile
                + (withoutTotpFilter ? ", withoutTotpFilter" : "") + (sharedSessions ? ", sharedSessions, nodeName=" + nodeName() : "") + ", command=" + command + "]";
    }
}
