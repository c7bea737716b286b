package dev.totpguard.jaas;

import dev.totpguard.internal.config.SettingsFactory;
import dev.totpguard.Enrollment;
import dev.totpguard.EnrollmentResult;
import dev.totpguard.TwoFactorService;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.store.AccountAliasException;
import dev.totpguard.store.StoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * Enrolls a user's authenticator app from the command line, for installations where only the JAAS login module or
 * only the Jakarta Authentication module is installed (no web page can enroll there: both refuse a user without a
 * second factor). It reads the very options the module uses — the {@code TotpLoginModule} line of an entry in
 * {@code jaas.conf}, or a properties file with the module's options — so it opens the same store with the same key,
 * starts the enrollment through {@link TwoFactorService#startEnrollment} (the secret is sealed like every other),
 * prints the otpauth URI, the key and a QR code in the terminal, and confirms it with a code the user's app shows:
 *
 * <pre>
 * java -cp '$CATALINA_BASE/lib/*' dev.totpguard.jaas.EnrollCommand --jaas-config /etc/totpguard/jaas.conf --entry TotpGuard alice
 * java -cp '$CATALINA_BASE/lib/*' dev.totpguard.jaas.EnrollCommand --options /etc/totpguard/sam.properties alice
 * </pre>
 *
 * An account that already has an active second factor is left alone unless {@code --replace} is given; even then the
 * old one stays active until the new one is confirmed. Exit status 0: enrolled; 1: not enrolled (wrong codes, locked,
 * already enrolled, store down); 2: wrong command line or options. Each ends with a line on standard error that starts
 * with {@code Error: }. Whoever runs it can read the key file, so it
 * needs no password; the secret and the recovery codes go to standard output only, for the user in front of it.
 * Not thread-safe; one per run.
 */
public final class EnrollCommand {

    static final int ENROLLED = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    /** Wrong codes typed before giving up; each counts toward the account's lockout like a login code. */
    static final int TRIES = 3;

    private static final String USAGE_TEXT = String.join("\n",
            "Usage: java -cp '<directory with totpguard-jaas, totpguard-core and their dependencies>/*' "
                    + EnrollCommand.class.getName(),
            "         (--jaas-config <jaas.conf> --entry <entry name> | --options <file.properties>) [--replace] <user>",
            "  --jaas-config, --entry  the options of the TotpLoginModule line of that jaas.conf entry",
            "  --options               a properties file with the module's options (e.g. those of jaspic-providers.xml)",
            "  --replace               enroll a new app for a user who has one (the old one works until the new is confirmed)",
            "  <user>                  the account's name as the user source stores it");

    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;

    EnrollCommand(Reader in, PrintStream out, PrintStream err) {
        this.in = new BufferedReader(in);
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new EnrollCommand(new InputStreamReader(System.in, StandardCharsets.UTF_8), System.out, System.err)
                .run(args);
        System.exit(status);
    }

    /** Runs one enrollment; returns the exit status. */
    int run(String[] args) {
        Map<String, Object> options;
        String user;
        boolean replace = false;
        try {
            Deque<String> rest = new ArrayDeque<>(List.of(args));
            String jaasConfig = null;
            String entry = null;
            String optionsFile = null;
            user = null;
            while (!rest.isEmpty()) {
                String arg = rest.removeFirst();
                switch (arg) {
                    case "--jaas-config":
                        jaasConfig = value(arg, rest);
                        break;
                    case "--entry":
                        entry = value(arg, rest);
                        break;
                    case "--options":
                        optionsFile = value(arg, rest);
                        break;
                    case "--replace":
                        replace = true;
                        break;
                    default:
                        if (arg.startsWith("--") || user != null) {
                            throw new IllegalArgumentException("Unexpected argument: " + arg);
                        }
                        user = arg;
                }
            }
            if (user == null || user.isEmpty() || !user.equals(user.strip())) {
                throw new IllegalArgumentException("Name the user to enroll, exactly as the user source stores it");
            }
            if ((optionsFile == null) == (jaasConfig == null) || (jaasConfig == null) != (entry == null)) {
                throw new IllegalArgumentException("Give either --jaas-config and --entry, or --options");
            }
            options = optionsFile != null ? fromProperties(Path.of(optionsFile)) : fromJaasConfig(Path.of(jaasConfig), entry);
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            LoginModuleOptions parsed = LoginModuleOptions.parse(options, true);
            String account = account(parsed, user);
            try (TwoFactorService service = SettingsFactory.service(parsed.settings())) {
                return enroll(service, account, replace);
            }
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof StoreException) {
                // Not a wrong option: the store did not answer (most often an H2 file the running server holds).
                error("The credential store could not be opened, nothing was enrolled: " + e.getMessage());
                err.println("An embedded H2 file is locked while the server runs unless its URL ends in ;AUTO_SERVER=TRUE"
                        + " (in the server's settings and here); otherwise stop the server, or check the database.");
                return REFUSED;
            }
            error("TOTP Guard options: " + e.getMessage());
            return USAGE;
        } catch (IllegalArgumentException e) {
            error("TOTP Guard options: " + e.getMessage());
            return USAGE;
        } finally {
            SharedServices.closeAll();
        }
    }

    private int enroll(TwoFactorService service, String user, boolean replace) {
        Enrollment enrollment;
        try {
            if (service.status(user).isActive() && !replace) {
                error(user + " already has a second factor; nothing was changed. Give --replace to enroll a new"
                        + " app (the old one keeps working until the new one is confirmed).");
                return REFUSED;
            }
            enrollment = service.startEnrollment(user, "command line");
        } catch (AccountAliasException e) {
            error(user + " is another spelling of an account enrolled under a different name: give that name.");
            return REFUSED;
        } catch (StoreException e) {
            error("The credential store is unavailable: " + e.getMessage());
            return REFUSED;
        }
        out.println("Enrolling " + user + " (" + enrollment.issuer() + "). In the authenticator app, scan this QR code,");
        out.println("or open the otpauth URI on the phone, or type the key by hand.");
        out.println();
        out.print(enrollment.qrTerminalText());
        out.println();
        out.println("otpauth URI: " + enrollment.otpAuthUri().toUriString());
        out.println("Key:         " + enrollment.groupedKey());
        out.println();
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            out.print("Code the app shows now: ");
            out.flush();
            String code;
            try {
                code = in.readLine();
            } catch (IOException e) {
                code = null;
            }
            if (code == null) {
                error("No code was typed: nothing was enrolled (the started enrollment expires unused).");
                return REFUSED;
            }
            EnrollmentResult result = service.confirmEnrollment(user, enrollment.nonce(), code.strip(), null);
            switch (result.verification().outcome()) {
                case ACCEPTED:
                    out.println(user + " is enrolled. Recovery codes, each good for one login without the app;");
                    out.println("hand them to " + user + " to keep somewhere safe (they are not shown again):");
                    for (String recovery : result.recoveryCodes()) {
                        out.println("  " + recovery);
                    }
                    return ENROLLED;
                case INVALID:
                case REPLAYED:
                    err.println("That code is not right" + (attempt < TRIES ? "; type the next one the app shows." : "."));
                    break;
                case LOCKED:
                    error("Too many wrong codes: " + user + "'s second factor is locked for a while. Nothing was enrolled.");
                    return REFUSED;
                case NOT_ENROLLED:
                    error("The enrollment expired or was replaced by another one. Run the command again.");
                    return REFUSED;
                case STORE_UNAVAILABLE:
                    error("The credential store is unavailable. Nothing was enrolled.");
                    return REFUSED;
                default:
                    error("Refused (" + result.verification().outcome() + "). Nothing was enrolled.");
                    return REFUSED;
            }
        }
        error(TRIES + " wrong codes: nothing was enrolled.");
        return REFUSED;
    }

    /** The command's one kind of error line, as the example launcher's: {@code Error: } and a sentence. */
    private void error(String message) {
        err.println("Error: " + message);
    }

    /** The account the name stands for: as given, or mapped by {@code totpguard.account.query} in stacked mode. */
    private static String account(LoginModuleOptions options, String user) {
        try {
            Optional<String> account = PasswordVerifiers.accountResolver(options).account(user);
            return account.orElseThrow(() -> new IllegalArgumentException("No single account is named " + user
                    + " (" + dev.totpguard.config.TotpGuardSettings.ACCOUNT_QUERY + " finds none or several)"));
        } catch (StoreException e) {
            throw new IllegalStateException("The user source is unavailable: " + e.getMessage(), e);
        }
    }

    private static String value(String option, Deque<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.removeFirst();
    }

    private static Map<String, Object> fromProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the options file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> options = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> options.put(name, properties.getProperty(name)));
        return options;
    }

    /** The options of the first {@link TotpLoginModule} line of {@code entry}, read by the JDK's own jaas.conf parser. */
    private static Map<String, Object> fromJaasConfig(Path file, String entry) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("Cannot read the JAAS configuration " + file);
        }
        URI uri = file.toAbsolutePath().toUri();
        Configuration configuration;
        try {
            configuration = Configuration.getInstance("JavaLoginConfig", new URIParameter(uri));
        } catch (NoSuchAlgorithmException | SecurityException e) {
            throw new IllegalArgumentException("Cannot parse the JAAS configuration " + file + ": " + e.getMessage(), e);
        }
        AppConfigurationEntry[] lines = configuration.getAppConfigurationEntry(entry);
        if (lines != null) {
            for (AppConfigurationEntry line : lines) {
                if (line.getLoginModuleName().equals(TotpLoginModule.class.getName())) {
                    return new HashMap<>(line.getOptions());
                }
            }
        }
        throw new IllegalArgumentException("The entry " + entry + " of " + file + " has no " + TotpLoginModule.class.getName()
                + " line");
    }
}
