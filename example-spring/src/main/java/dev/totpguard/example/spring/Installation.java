package dev.totpguard.example.spring;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.store.StoreException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the example's state the way the Jetty example's launcher does: the data folder (created readable by this user
 * only; one open to others is refused), and the AES key file, which is created only together with a new database. A
 * database that already holds accounts but whose key file is missing is refused: a new key could not read the
 * stored TOTP secrets, and silently starting over would lock every enrolled administrator out.
 */
final class Installation {

    private static final Logger LOG = LoggerFactory.getLogger(Installation.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private Installation() {
    }

    /** Creates the data folder (0700) when it is missing; refuses one that group or others may use. */
    static void prepareDataFolder(Path folder) {
        try {
            if (Files.isDirectory(folder)) {
                if (posix()) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
                    if (!OWNER_ONLY.containsAll(permissions)) {
                        throw new IllegalStateException("The data folder " + folder + " is open to other users ("
                                + PosixFilePermissions.toString(permissions) + "); it holds password hashes and TOTP secrets. "
                                + "Restrict it: chmod 700 " + folder);
                    }
                }
                return;
            }
            createPrivateDirectory(folder);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the data folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key ring from {@code keyFile}; a new key file (mode 0600, in a 0700 folder) when the database holds no
     * accounts yet.
     */
    static KeyRing keyRing(Path keyFile, DataSource dataSource) {
        try {
            if (Files.exists(keyFile)) {
                return KeyRing.fromKeyFile(keyFile);
            }
            if (!isNew(dataSource)) {
                throw new IllegalStateException("The key file " + keyFile + " is missing, but the database already holds "
                        + "accounts whose TOTP secrets only that key can read. Restore it from your backup, or set "
                        + "example.key-file. Refusing to start rather than lock every enrolled administrator out.");
            }
            Path folder = keyFile.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder)) {
                createPrivateDirectory(folder);
            }
            KeyRing created = KeyRing.generateKeyFile(keyFile);
            LOG.warn("Created the AES key file {} (readable by this user only). Back it up, and keep it out of the database "
                    + "backups; every node of a cluster needs the same file.", keyFile);
            return created;
        } catch (IOException | StoreException e) {
            throw new IllegalStateException("Cannot open the key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** True when the database has no account table yet: a new installation. */
    static boolean isNew(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            // In the connection's own schema only: H2's INFORMATION_SCHEMA has a USERS table too.
            for (String name : new String[] {"users", "USERS"}) {
                try (ResultSet tables = connection.getMetaData().getTables(connection.getCatalog(), connection.getSchema(), name,
                        new String[] {"TABLE"})) {
                    if (tables.next()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database: " + e.getMessage(), e);
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (posix()) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createDirectory(directory);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
