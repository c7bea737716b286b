package dev.totpguard.example.launcher;

import dev.totpguard.internal.config.SettingsFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.totpguard.NotifyingTwoFactorListener;
import dev.totpguard.TwoFactorListener;
import dev.totpguard.TwoFactorPolicy;
import dev.totpguard.TwoFactorService;
import dev.totpguard.internal.config.Settings;
import dev.totpguard.config.TotpGuardSettings;
import dev.totpguard.config.TwoFactorServiceFactory;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AuditListener;
import dev.totpguard.example.data.AuditLog;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.example.data.ExampleSchema;
import dev.totpguard.example.data.Text;
import dev.totpguard.example.mail.AddressChangeMails;
import dev.totpguard.example.mail.MailNotifier;
import dev.totpguard.example.mail.PageLanguage;
import dev.totpguard.example.web.EnforcementGrace;
import dev.totpguard.jaas.PasswordHash;
import dev.totpguard.jaas.TotpLoginModule;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One installation of the example: the database (H2 file in the data directory, or PostgreSQL/MariaDB), the AES
 * key file and the services on top of them, opened the same way by the server and by every admin command.
 *
 * <p>The key file is created only together with a new database. A database that already holds data but whose key
 * file is missing is refused: a new key could not read the stored TOTP secrets, and silently starting over would
 * lock every enrolled administrator out.
 */
final class Installation implements AutoCloseable {

    static final String ADMIN_PASSWORD_ENV = "TOTPGUARD_ADMIN_PASSWORD";
    static final String FIRST_ADMIN = "admin";
    static final String ISSUER = "TOTP Guard example";
    /**
     * Where the first start puts the generated password of {@value #FIRST_ADMIN} when its output is no terminal
     * (a log file, a pipe, a service manager's journal keeps what is printed): in the data directory, mode 0600.
     */
    static final String FIRST_PASSWORD_FILE_NAME = "initial-admin-password";
    private static final int POOL_SIZE = 10;
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final String PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final LauncherOptions options;
    private final HikariDataSource dataSource;
    private final JdbcCredentialStore store;
    private final TwoFactorService twoFactor;
    private final AdminAccounts accounts;
    private final AuditLog audit;
    private final Clock clock;
    private final TwoFactorListener listener;
    private final Optional<NotifyingTwoFactorListener> notifications;
    private final PageLanguage pageLanguage;
    private final EnforcementGrace enforcementGrace;
    private final AddressChangeMails addressChangeMails;

    private Installation(LauncherOptions options, HikariDataSource dataSource, JdbcCredentialStore store, TwoFactorService twoFactor, AdminAccounts accounts,
                         AuditLog audit, Clock clock, TwoFactorListener listener, Optional<NotifyingTwoFactorListener> notifications,
                         PageLanguage pageLanguage, EnforcementGrace enforcementGrace, AddressChangeMails addressChangeMails) {
        this.options = options;
        this.dataSource = dataSource;
        this.store = store;
        this.twoFactor = twoFactor;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
        this.listener = listener;
        this.notifications = notifications;
        this.pageLanguage = pageLanguage;
        this.enforcementGrace = enforcementGrace;
        this.addressChangeMails = addressChangeMails;
    }

    /**
     * @param forServer true for the web server, which may create a new installation (database tables, key file,
     *     first administrator); the admin commands only open an existing one
     */
    static Installation open(LauncherOptions options, Terminal terminal, boolean forServer) throws StartupException {
        if (options.usesBuiltInDatabase()) {
            Path databaseFile = options.dataDir().resolve("totpguard.mv.db");
            if (!forServer && !Files.exists(databaseFile)) {
                throw new StartupException("There is no database in " + options.dataDir() + " yet. Start the application once "
                        + "(java -jar totpguard-example.jar --data " + options.dataDir() + "), or pass the --data or --jdbc-url it uses.");
            }
            try {
                createPrivateDirectory(options.dataDir(), true);
            } catch (IOException e) {
                throw new StartupException("Cannot create the data directory " + options.dataDir() + ": " + DataSources.rootMessage(e), e);
            }
        }
        HikariDataSource dataSource;
        try {
            dataSource = DataSources.open(options.effectiveJdbcUrl(), options.jdbcUser(), options.jdbcPassword(), POOL_SIZE);
        } catch (DataAccessException e) {
            if (options.usesBuiltInDatabase()) {
                // Embedded H2 lets one process open the file: most often the application is still running.
                throw new StartupException(e.getMessage() + ". Is the application (or another command) still running on "
                        + options.dataDir() + "? Stop it first; the built-in database serves one process at a time.", e);
            }
            throw new StartupException(e.getMessage() + ". Check --jdbc-url, --jdbc-user and --jdbc-password, and that the database server is running.", e);
        }
        try {
            Clock clock = Clock.systemUTC();
            boolean newDatabase = ExampleSchema.isNew(dataSource);
            if (newDatabase && !forServer) {
                throw new StartupException("The database at " + DataSources.redact(options.effectiveJdbcUrl())
                        + " holds no TOTP Guard example data yet. Start the application once first.");
            }
            KeyRing keyRing = keyRing(options, terminal, newDatabase);
            JdbcCredentialStore store = JdbcCredentialStore.builder(dataSource).createSchemaIfMissing(true).build();
            AdminAccounts.createSchema(dataSource);
            if (options.usesBuiltInDatabase()) {
                restrictToOwner(options.dataDir());
            }
            AuditLog audit = new AuditLog(dataSource);
            AdminAccounts accounts = new AdminAccounts(dataSource, PasswordHash.builder().build(), clock);
            PageLanguage pageLanguage = new PageLanguage();
            Optional<MailNotifier> mail = mail(options, accounts, clock);
            Optional<NotifyingTwoFactorListener> notifications = mail.map(sender -> NotifyingTwoFactorListener.builder(sender)
                    .language(pageLanguage::current).build());
            TwoFactorListener audited = new AuditListener(audit);
            TwoFactorListener listener = notifications.isPresent() ? audited.andThen(notifications.get()) : audited;
            TwoFactorService twoFactor = service(options, store, keyRing, listener, clock);
            Installation installation = new Installation(options, dataSource, store, twoFactor, accounts, audit, clock, listener, notifications,
                    pageLanguage, enforcementGrace(options, store, keyRing, listener, clock, accounts),
                    mail.map(sender -> AddressChangeMails.of(sender, notifications.get(), pageLanguage)).orElse(AddressChangeMails.none()));
            if (forServer) {
                installation.createFirstAdministrator(terminal);
            }
            return installation;
        } catch (StartupException e) {
            dataSource.close();
            throw e;
        } catch (DataAccessException | StoreException e) {
            dataSource.close();
            throw new StartupException(e.getMessage() + ": " + DataSources.rootMessage(e), e);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * The notification mails of the {@code --smtp-*} flags, after the audit log: sent on a thread of their own (a
     * {@link NotifyingTwoFactorListener}) once a change is stored, so a slow or dead mail server never holds up a login
     * or a change. Empty without {@code --smtp-host}.
     */
    private static Optional<MailNotifier> mail(LauncherOptions options, AdminAccounts accounts, Clock clock) throws StartupException {
        if (options.smtp().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MailNotifier(options.smtp().get().settings(), accounts.directory(), clock));
    }

    private static TwoFactorService service(LauncherOptions options, JdbcCredentialStore store, KeyRing keyRing,
            TwoFactorListener listener, Clock clock) {
        return TwoFactorService.builder()
                .store(store)
                .keyRing(keyRing)
                .policy(SettingsFactory.policy(Settings.of(policySettings(options), "setting")))
                .clock(clock)
                .listener(listener)
                .build();
    }

    /**
     * The grace period of the run-time setting "Require two-factor authentication" ({@code --grace-days},
     * {@code --grace-sign-ins}), or {@link EnforcementGrace#none()} without those flags. Judged by core's enrollment
     * grace: a service over the same store whose policy is this example's with enforcement REQUIRED and the grace, and
     * which knows when each administrator was added ({@code AdminDirectory.creationTime}), so an administrator added after
     * the setting was turned on gets a period from being added. The service of the login and the filter keeps
     * enforcement OPTIONAL: the setting, not the policy, says whether a factor is required.
     */
    private static EnforcementGrace enforcementGrace(LauncherOptions options, JdbcCredentialStore store, KeyRing keyRing,
            TwoFactorListener listener, Clock clock, AdminAccounts accounts) {
        if (options.graceSettings().isEmpty()) {
            return EnforcementGrace.none();
        }
        Map<String, String> settings = new LinkedHashMap<>(policySettings(options));
        settings.put(TotpGuardSettings.ENFORCEMENT, TwoFactorPolicy.Enforcement.REQUIRED.name());
        settings.putAll(options.graceSettings());
        TwoFactorService judge = TwoFactorService.builder()
                .store(store)
                .keyRing(keyRing)
                .policy(SettingsFactory.policy(Settings.of(settings, "setting")))
                .clock(clock)
                .listener(listener)
                .accountCreationTimes(accounts.directory()::creationTime)
                .build();
        return EnforcementGrace.of(judge, store);
    }

    /** The same service over another key ring (after {@code keys rotate} added a key). */
    TwoFactorService twoFactorWith(KeyRing keyRing) {
        return service(options, store, keyRing, listener, clock);
    }

    private static KeyRing keyRing(LauncherOptions options, Terminal terminal, boolean newDatabase) throws StartupException, StoreException {
        Path keyFile = options.keyFile();
        if (Files.exists(keyFile)) {
            return KeyRing.fromKeyFile(keyFile);
        }
        Path legacy = LauncherOptions.legacyKeyFile(options.dataDir());
        if (keyFile.equals(LauncherOptions.defaultKeyFile(options.dataDir())) && Files.exists(legacy)) {
            terminal.err().println("Warning: the key file " + legacy + " lies inside the data directory, so every backup of the "
                    + "database holds the key that opens its secrets. Move it to " + keyFile + " (or pass --key-file) and keep it "
                    + "out of the database backups.");
            return KeyRing.fromKeyFile(legacy);
        }
        if (!newDatabase) {
            throw new StartupException("The key file " + keyFile + " is missing, but the database at "
                    + DataSources.redact(options.effectiveJdbcUrl()) + " already holds TOTP Guard data whose secrets only that key can "
                    + "read. Restore the key file from your backup (every node uses the same file), or pass --key-file PATH. "
                    + "Refusing to start rather than lock every enrolled administrator out.");
        }
        try {
            createPrivateDirectory(keyFile.toAbsolutePath().getParent(), false);
        } catch (IOException e) {
            throw new StartupException("Cannot create the directory of the key file " + keyFile + ": " + DataSources.rootMessage(e), e);
        }
        KeyRing created = KeyRing.generateKeyFile(keyFile);
        terminal.out().println("Created the AES key file " + keyFile + " (readable by this user only). Back it up and keep it "
                + "out of the database backups; every node of a cluster needs the same file.");
        return created;
    }

    /**
     * Creates a missing directory readable by this user only (0700 where the file system has POSIX permissions): it
     * holds the database with the password hashes, or the key file. With {@code refuseOpen}, an existing directory
     * that group or others may use is refused, as ssh refuses a {@code ~/.ssh} that others can read (the data
     * directory; the key file's own mode is checked by {@link KeyRing}, so its directory may be a shared one).
     */
    private static void createPrivateDirectory(Path directory, boolean refuseOpen) throws IOException, StartupException {
        if (Files.isDirectory(directory)) {
            if (refuseOpen && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
                if (!OWNER_ONLY_DIRECTORY.containsAll(permissions)) {
                    throw new StartupException("The directory " + directory + " is open to other users ("
                            + PosixFilePermissions.toString(permissions) + "); it holds password hashes, TOTP secrets or "
                            + "their key. Restrict it: chmod 700 " + directory);
                }
            }
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } else {
            Files.createDirectory(directory);
        }
    }

    /**
     * Makes every file H2 created in {@code directory} readable and writable by this user only (0600). H2 creates its
     * files with the process's umask (often 0644); the 0700 directory already keeps others out, and this keeps a copy
     * of the files that preserves modes (a backup, {@code cp -p}) private too.
     */
    private static void restrictToOwner(Path directory) throws StartupException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException e) {
            throw new StartupException("Cannot restrict the files in " + directory + " to their owner: " + DataSources.rootMessage(e), e);
        }
    }

    /**
     * An empty database gets the administrator "admin", with the password from the environment or a random one. The
     * random one is printed only when a person reads the output on a terminal; otherwise it goes to
     * {@link #firstPasswordFile} and only that file's name is printed.
     */
    private void createFirstAdministrator(Terminal terminal) throws DataAccessException, StartupException {
        Path passwordFile = firstPasswordFile(options);
        if (accounts.directory().count() > 0) {
            if (Files.exists(passwordFile, LinkOption.NOFOLLOW_LINKS)) {
                terminal.err().println("Warning: " + passwordFile + " still holds the first password of '" + FIRST_ADMIN + "'. Delete it "
                        + "once you have signed in (admin set-password " + FIRST_ADMIN + " deletes it too).");
            }
            return;
        }
        String given = terminal.environment().get(ADMIN_PASSWORD_ENV);
        if (given != null && !given.isEmpty()) {
            char[] password = given.toCharArray();
            var problem = AdminAccounts.checkPassword(password).map(Text::english);
            if (problem.isPresent()) {
                throw new StartupException(ADMIN_PASSWORD_ENV + ": " + problem.get());
            }
            accounts.add(FIRST_ADMIN, "Administrator", "admin@example.com", password);
            terminal.out().println("Created the administrator '" + FIRST_ADMIN + "' with the password from " + ADMIN_PASSWORD_ENV + ".");
            return;
        }
        char[] password = randomPassword();
        if (terminal.isInteractive()) {
            String shown = new String(password);
            accounts.add(FIRST_ADMIN, "Administrator", "admin@example.com", password);
            terminal.out().println("Created the administrator '" + FIRST_ADMIN + "' with password: " + shown);
            terminal.out().println("This password is shown only now. Sign in, then set up two-factor authentication on your Edit page.");
            return;
        }
        // Written before the account exists: if the file cannot be written, no account is left with a lost password.
        writeOwnerOnly(passwordFile, password);
        try {
            accounts.add(FIRST_ADMIN, "Administrator", "admin@example.com", password);
        } catch (DataAccessException | RuntimeException e) {
            deleteQuietly(passwordFile);
            throw e;
        }
        terminal.out().println("Created the administrator '" + FIRST_ADMIN + "'. Its password is not printed, since this output is no "
                + "terminal and may be kept in a log: read it in " + passwordFile + " (readable by this user only), sign in, then "
                + "delete that file and set up two-factor authentication on your Edit page.");
    }

    /** The file that holds the generated first password of {@value #FIRST_ADMIN} when it could not be shown. */
    static Path firstPasswordFile(LauncherOptions options) {
        return options.dataDir().resolve(FIRST_PASSWORD_FILE_NAME);
    }

    /** Deletes the first password's file once that password is no longer the administrator's: it would only mislead. */
    static void deleteFirstPasswordFile(LauncherOptions options) throws IOException {
        Files.deleteIfExists(firstPasswordFile(options));
    }

    /**
     * Writes {@code password} and a line end to a new file readable and writable by this user only, created with
     * that mode (never widened afterwards) and refused if something already lies there under that name as a link.
     */
    private void writeOwnerOnly(Path file, char[] password) throws StartupException {
        byte[] bytes = (new String(password) + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        try {
            createPrivateDirectory(file.toAbsolutePath().getParent(), true);
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } else {
                Files.createFile(file);
            }
            Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            deleteQuietly(file);
            throw new StartupException("Cannot write the first password of '" + FIRST_ADMIN + "' to " + file + ": "
                    + DataSources.rootMessage(e) + ". Set " + ADMIN_PASSWORD_ENV + " instead, or start it on a terminal.", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Nothing more to do; the start fails with the first error.
        }
    }

    static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length()));
        }
        return password;
    }

    /**
     * The policy of this example: issuer shown in the authenticator app, the algorithm, digits, period and window of
     * the launcher's flags, defaults for everything else.
     */
    static Map<String, String> policySettings(LauncherOptions options) {
        Map<String, String> settings = new LinkedHashMap<>(options.policySettings());
        settings.put(TotpGuardSettings.ISSUER, ISSUER);
        return settings;
    }

    /**
     * The web application's context parameters. Under the launcher it uses the launcher's pool and service (see
     * {@code ExampleWebApp}); these name the same database and key file for anyone reading the configuration, and
     * leave the database password out.
     */
    Map<String, String> webSettings() {
        Map<String, String> settings = new LinkedHashMap<>(policySettings(options));
        settings.put(TotpGuardSettings.JDBC_URL, DataSources.redact(options.effectiveJdbcUrl()));
        settings.put(TotpGuardSettings.KEY_FILE, options.keyFile().toString());
        settings.put(TotpGuardSettings.SCHEMA_CREATE, "false");
        settings.put(TotpGuardSettings.FILTER_STEP_UP_MAX_AGE, options.stepUpAge().toString());
        return settings;
    }

    /**
     * The options of TOTP Guard's JAAS login module: stacked after the password step, with this installation's
     * service (one pool, the audit listener) instead of building its own from settings.
     */
    Map<String, Object> loginModuleOptions() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(TotpGuardSettings.JAAS_MODE, "stacked");
        settings.put(TotpLoginModule.SERVICE_OPTION, twoFactor);
        return settings;
    }

    HikariDataSource dataSource() {
        return dataSource;
    }

    TwoFactorService twoFactor() {
        return twoFactor;
    }

    AdminAccounts accounts() {
        return accounts;
    }

    AuditLog audit() {
        return audit;
    }

    Clock clock() {
        return clock;
    }

    /** The notification mails' dispatch (its counters), or empty without {@code --smtp-host}. */
    Optional<NotifyingTwoFactorListener> notifications() {
        return notifications;
    }

    /** The grace period of "Require two-factor authentication" (none without the grace flags). */
    EnforcementGrace enforcementGrace() {
        return enforcementGrace;
    }

    /** The mail to the old address when an administrator's e-mail address changes (none without {@code --smtp-host}). */
    AddressChangeMails addressChangeMails() {
        return addressChangeMails;
    }

    /** The page language the notification mails are written in; the web application's filter sets it per request. */
    PageLanguage pageLanguage() {
        return pageLanguage;
    }

    /** Sends the queued notification mails (they read the administrators' addresses), then closes the pool. */
    @Override
    public void close() {
        notifications.ifPresent(NotifyingTwoFactorListener::close);
        dataSource.close();
    }
}
