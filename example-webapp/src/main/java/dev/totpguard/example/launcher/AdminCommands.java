package dev.totpguard.example.launcher;

import dev.totpguard.TwoFactorService;
import dev.totpguard.TwoFactorStatus;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.example.data.AdminAccounts;
import dev.totpguard.example.data.AdminDirectory;
import dev.totpguard.example.data.Administrator;
import dev.totpguard.example.data.AuditEntry;
import dev.totpguard.example.data.DataAccessException;
import dev.totpguard.example.data.DataSources;
import dev.totpguard.example.data.Text;
import dev.totpguard.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * The admin command line, on the same database and key file as the server: {@code admin list}, {@code admin add
 * USER}, {@code admin set-password USER}, {@code admin reset-2fa USER} (for the administrator who lost the phone
 * and every recovery code) and {@code keys rotate}. Each change is written to the audit log with the actor
 * {@value #ACTOR}.
 */
final class AdminCommands {

    static final String ACTOR = "command line";

    private AdminCommands() {
    }

    static int run(LauncherOptions options, Terminal terminal) throws StartupException {
        List<String> command = options.command();
        try (Installation installation = Installation.open(options, terminal, false)) {
            String verb = command.get(0) + " " + command.get(1);
            return switch (verb) {
                case "admin list" -> list(installation, terminal.out());
                case "admin add" -> add(installation, options, terminal, command.get(2));
                case "admin set-password" -> setPassword(installation, options, terminal, command.get(2));
                case "admin reset-2fa" -> resetTwoFactor(installation, terminal, command.get(2));
                case "keys rotate" -> rotateKeys(installation, options, terminal);
                default -> throw new AssertionError("command accepted by LauncherOptions but not handled: " + verb);
            };
        } catch (DataAccessException | StoreException e) {
            Main.printError(terminal, e.getMessage() + ": " + DataSources.rootMessage(e));
            return Main.FAILED;
        } catch (IOException e) {
            Main.printError(terminal, "Cannot read the password: " + DataSources.rootMessage(e));
            return Main.FAILED;
        }
    }

    private static int list(Installation installation, PrintStream out) throws DataAccessException, StoreException {
        List<Administrator> administrators = installation.accounts().directory().list();
        out.printf("%-20s %-28s %-32s %s%n", "USERNAME", "NAME", "EMAIL", "TWO-FACTOR");
        for (Administrator administrator : administrators) {
            TwoFactorStatus status = installation.twoFactor().status(administrator.username());
            String twoFactor = switch (status.state()) {
                case ACTIVE -> "on";
                case PENDING -> "set-up not finished";
                case NONE -> "off";
            };
            out.printf("%-20s %-28s %-32s %s%n", administrator.username(), administrator.name(), administrator.email(), twoFactor);
        }
        return Main.OK;
    }

    private static int add(Installation installation, LauncherOptions options, Terminal terminal, String username)
            throws DataAccessException, IOException, StartupException {
        String name = options.name().orElse(username);
        String email = options.email().orElse(username + "@localhost");
        Optional<String> problem = AdminDirectory.checkUsername(username).or(() -> AdminDirectory.checkProfile(name, email))
                .map(Text::english);
        if (problem.isPresent()) {
            Main.printError(terminal, problem.get());
            return Main.FAILED;
        }
        char[] password = terminal.newPassword("Password for " + username);
        boolean generated = password == null;
        if (generated) {
            password = Installation.randomPassword();
        }
        Optional<String> passwordProblem = AdminAccounts.checkPassword(password).map(Text::english);
        if (passwordProblem.isPresent()) {
            Main.printError(terminal, passwordProblem.get());
            return Main.FAILED;
        }
        String shown = generated ? new String(password) : null;
        if (!installation.accounts().add(username, name, email, password)) {
            Main.printError(terminal, "There is already an administrator named " + username + ".");
            return Main.FAILED;
        }
        audit(installation, username, "ADMIN_ADDED");
        terminal.out().println("Added administrator " + username + (generated ? " with password: " + shown + " (shown only now)" : "") + ".");
        return Main.OK;
    }

    private static int setPassword(Installation installation, LauncherOptions options, Terminal terminal, String username)
            throws DataAccessException, IOException, StoreException, StartupException {
        if (installation.accounts().directory().find(username).isEmpty()) {
            Main.printError(terminal, "There is no administrator named " + username + ".");
            return Main.FAILED;
        }
        char[] password = terminal.newPassword("New password for " + username);
        if (password == null) {
            Main.printError(terminal, "No password given; nothing was changed.");
            return Main.FAILED;
        }
        Optional<String> problem = AdminAccounts.checkPassword(password).map(Text::english);
        if (problem.isPresent()) {
            Main.printError(terminal, problem.get());
            return Main.FAILED;
        }
        installation.accounts().setPassword(username, password);
        // Whoever used the old password (or a session stolen with it) is signed out on every node within seconds.
        installation.twoFactor().revokeSessions(username);
        audit(installation, username, "PASSWORD_SET");
        if (username.equals(Installation.FIRST_ADMIN)) {
            // The first start's password, left in a file when it could not be shown, is no longer the password.
            try {
                Installation.deleteFirstPasswordFile(options);
            } catch (IOException e) {
                terminal.err().println("Warning: cannot delete " + Installation.firstPasswordFile(options) + ", which holds the old "
                        + "first password: " + DataSources.rootMessage(e) + ". Delete it by hand.");
            }
        }
        terminal.out().println("The password of " + username + " was changed; their sessions end on every node within "
                + installation.twoFactor().policy().sessionRefresh().toSeconds() + " seconds.");
        return Main.OK;
    }

    private static int resetTwoFactor(Installation installation, Terminal terminal, String username) throws DataAccessException, StoreException {
        if (installation.accounts().directory().find(username).isEmpty()) {
            Main.printError(terminal, "There is no administrator named " + username + ".");
            return Main.FAILED;
        }
        TwoFactorService twoFactor = installation.twoFactor();
        if (twoFactor.status(username).state() == TwoFactorStatus.State.NONE) {
            terminal.out().println(username + " has no two-factor authentication; nothing to reset.");
            return Main.OK;
        }
        twoFactor.reset(username, ACTOR);
        terminal.out().println("Two-factor authentication of " + username + " was removed. They can sign in with their password "
                + "and set it up again on their Edit page.");
        return Main.OK;
    }

    private static int rotateKeys(Installation installation, LauncherOptions options, Terminal terminal) throws StoreException {
        KeyRing rotated = KeyRing.rotateKeyFile(options.keyFile());
        TwoFactorService twoFactor = installation.twoFactorWith(rotated);
        int count = twoFactor.rotateKeys();
        terminal.out().println("Added key " + rotated.currentKeyId() + " to " + options.keyFile() + " as the current key and re-encrypted "
                + count + (count == 1 ? " secret" : " secrets") + " with it. The file keeps the older keys; copy it to every node and "
                + "restart them.");
        return Main.OK;
    }

    private static void audit(Installation installation, String subject, String action) throws DataAccessException {
        installation.audit().record(new AuditEntry(installation.clock().instant(), Optional.of(ACTOR), subject, action,
                Optional.empty(), Optional.empty()));
    }
}
