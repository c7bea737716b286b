package dev.totpguard.crypto;

import dev.totpguard.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that encrypt TOTP secrets at rest (RFC 6238 section 5.1: "the key store MUST be in a
 * secure area"). One key is current and seals new secrets; every key in the ring opens secrets sealed with
 * it, so keys can be rotated without downtime: add a new current key on every node, then re-encrypt with
 * {@code TwoFactorService.rotateKeys()}, then drop the old key.
 *
 * <p>Each key has a short id, the first 4 bytes of {@code HMAC-SHA256(key, "TOTP Guard key id")} in hex.
 * The id is stored beside each ciphertext; derived from the key itself, it is the same wherever the key is
 * loaded from and a missing key is reported by id at the first decryption instead of producing garbage.
 *
 * <p>Keys come from outside the code and outside the database: a key file ({@link #fromKeyFile(Path)},
 * created once with {@link #generateKeyFile(Path)}), an environment variable ({@link #fromEnvironment(String)})
 * or a PKCS12 key store ({@link #fromKeyStore(Path, char[], String)}). A missing or malformed source is a
 * {@link StoreException} at start-up; nothing is ever created implicitly while loading.
 *
 * <p>Key file and environment variable share one text form: base64 keys of 32 bytes, one per line (or
 * separated by commas in a variable); {@code #} starts a comment line; the first key is the current one.
 *
 * <p>Instances are immutable and thread-safe. Key material never leaves this package and never appears in
 * {@link #toString()} or in exception messages.
 */
public final class KeyRing {

    /** AES-256. */
    public static final int KEY_BYTES = 32;

    private static final String AES = "AES";
    private static final byte[] KEY_ID_LABEL = "TOTP Guard key id".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.complementOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    private static final String FILE_HEADER = String.join("\n",
            "# TOTP Guard key ring: AES-256 keys (base64) that encrypt TOTP secrets at rest.",
            "# The first key encrypts new secrets; every key here decrypts. Keep this file mode 0600, on every",
            "# application node, and never in the database or its backups: whoever has both can read the secrets.",
            "# Rotate with KeyRing.rotateKeyFile(path), then TwoFactorService.rotateKeys().",
            "");

    private final Map<String, SecretKey> keysById;
    private final String currentKeyId;

    private KeyRing(Map<String, SecretKey> keysById, String currentKeyId) {
        this.keysById = Collections.unmodifiableMap(keysById);
        this.currentKeyId = currentKeyId;
    }

    /**
     * A ring of keys held by the application, e.g. fetched from a secrets manager; the first is current.
     *
     * @throws IllegalArgumentException if the list is empty, a key is not a 32-byte AES key, or a key repeats
     */
    public static KeyRing of(List<SecretKey> keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("A key ring needs at least one key");
        }
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        for (SecretKey key : keys) {
            Objects.requireNonNull(key, "key");
            byte[] encoded = key.getEncoded();
            try {
                if (!AES.equalsIgnoreCase(key.getAlgorithm()) || encoded == null || encoded.length != KEY_BYTES) {
                    throw new IllegalArgumentException("Key ring keys must be 256-bit AES keys");
                }
                add(byId, encoded, "key " + (byId.size() + 1));
            } finally {
                if (encoded != null) {
                    Arrays.fill(encoded, (byte) 0);
                }
            }
        }
        return new KeyRing(byId, byId.keySet().iterator().next());
    }

    /** A ring with one new random key, for a single process that keeps nothing across restarts (tests, demos). */
    public static KeyRing generate(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        try {
            Map<String, SecretKey> byId = new LinkedHashMap<>();
            add(byId, key, "generated key");
            return new KeyRing(byId, byId.keySet().iterator().next());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Creates a new key file holding one fresh random key, readable and writable by the owner only (0600 on
     * POSIX file systems, set when the file is created, so it is never readable by others even briefly).
     *
     * @return the ring read back from the new file
     * @throws StoreException if the file already exists (an existing key is never overwritten) or cannot be
     *     written
     */
    public static KeyRing generateKeyFile(Path file) throws StoreException {
        Objects.requireNonNull(file, "file");
        byte[] key = newKey();
        try {
            writeNewFile(file, FILE_HEADER + Base64.getEncoder().encodeToString(key) + "\n");
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("Key file " + file + " already exists; it is never overwritten", e);
        } catch (IOException e) {
            throw new StoreException("Cannot create key file " + file + ": " + e, e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return fromKeyFile(file);
    }

    /**
     * Adds a fresh random key to an existing key file and makes it current; older keys stay, so secrets
     * sealed with them still open. The file is replaced atomically and stays 0600. Copy the new file to every
     * node, restart them, then call {@code TwoFactorService.rotateKeys()}.
     *
     * @return the new ring
     * @throws StoreException if the file is missing or malformed, or cannot be replaced
     */
    public static KeyRing rotateKeyFile(Path file) throws StoreException {
        KeyRing old = fromKeyFile(file);
        byte[] key = newKey();
        StringBuilder text = new StringBuilder(FILE_HEADER);
        text.append(Base64.getEncoder().encodeToString(key)).append('\n');
        Arrays.fill(key, (byte) 0);
        for (SecretKey oldKey : old.keysById.values()) {
            text.append(Base64.getEncoder().encodeToString(oldKey.getEncoded())).append('\n');
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temporary);
            writeNewFile(temporary, text.toString());
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StoreException("Cannot replace key file " + file + ": " + e, e);
        } finally {
            text.setLength(0);
        }
        return fromKeyFile(file);
    }

    /**
     * Reads a key file written by {@link #generateKeyFile(Path)} or {@link #rotateKeyFile(Path)}.
     *
     * @throws StoreException if the file does not exist (it is never created here: create it once with
     *     {@link #generateKeyFile(Path)}), cannot be read, is readable or writable by other users, belongs to another user than this process's or root, or is malformed; the
     *     message names the file and the line but never repeats its content
     */
    public static KeyRing fromKeyFile(Path file) throws StoreException {
        Objects.requireNonNull(file, "file");
        checkPermissions(file);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StoreException("Key file " + file + " does not exist. Create it once with "
                    + "KeyRing.generateKeyFile (mode 0600), copy it to every node, and keep it out of the database", e);
        } catch (AccessDeniedException e) {
            throw new StoreException("Key file " + file + " is not readable by this process", e);
        } catch (IOException e) {
            throw new StoreException("Cannot read key file " + file + ": " + e, e);
        }
        try {
            return parse(new String(content, StandardCharsets.US_ASCII), "key file " + file, false);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Reads keys from an environment variable: base64 32-byte keys separated by commas or white space, the
     * first one current (e.g. {@code TOTPGUARD_KEY=NEWKEY,OLDKEY} during a rotation).
     *
     * @throws StoreException if the variable is unset, empty or malformed; the message names the variable,
     *     never its value
     */
    public static KeyRing fromEnvironment(String variableName) throws StoreException {
        Objects.requireNonNull(variableName, "variableName");
        String value = System.getenv(variableName);
        if (value == null || value.isBlank()) {
            throw new StoreException("Environment variable " + variableName + " is not set; it must hold one or more "
                    + "base64-encoded 256-bit keys separated by commas, the current key first");
        }
        return parse(value, "environment variable " + variableName, true);
    }

    /**
     * Parses the text form used by key files and environment variables: base64 32-byte keys, one per line or
     * separated by commas or white space; lines starting with {@code #} are comments; the first key is current.
     *
     * @param source names the source in error messages (e.g. "secret manager entry totp-keys")
     * @throws StoreException if there is no key, a key is malformed or not 32 bytes, or a key repeats
     */
    static KeyRing fromText(CharSequence text, String source) throws StoreException {
        Objects.requireNonNull(text, "text");
        return parse(text.toString(), Objects.requireNonNull(source, "source"), true);
    }

    /**
     * Reads every 256-bit AES secret-key entry of a PKCS12 key store (as created by
     * {@code keytool -genseckey -keyalg AES -keysize 256 -storetype PKCS12}); the entry {@code currentAlias}
     * is current. All entries are expected to share the store password.
     *
     * @throws StoreException if the store is missing, the password is wrong, or {@code currentAlias} is not a
     *     256-bit AES secret key
     */
    public static KeyRing fromKeyStore(Path file, char[] password, String currentAlias) throws StoreException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(currentAlias, "currentAlias");
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new StoreException("Key store " + file + " does not exist", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new StoreException("Cannot open PKCS12 key store " + file + " (wrong password or not PKCS12): " + e.getMessage(), e);
        }
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        String currentId = null;
        try {
            List<String> aliases = Collections.list(store.aliases());
            for (String alias : aliases) {
                if (!store.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                    continue;
                }
                KeyStore.SecretKeyEntry entry = (KeyStore.SecretKeyEntry) store.getEntry(alias, protection);
                byte[] encoded = entry.getSecretKey().getEncoded();
                try {
                    if (!entry.getSecretKey().getAlgorithm().equalsIgnoreCase(AES) || encoded == null || encoded.length != KEY_BYTES) {
                        if (alias.equalsIgnoreCase(currentAlias)) {
                            throw new StoreException("Key store entry '" + alias + "' in " + file + " is not a 256-bit AES key");
                        }
                        continue;
                    }
                    String id = keyId(encoded);
                    if (!byId.containsKey(id)) {
                        byId.put(id, new SecretKeySpec(encoded, AES));
                    }
                    if (alias.equalsIgnoreCase(currentAlias)) {
                        currentId = id;
                    }
                } finally {
                    if (encoded != null) {
                        Arrays.fill(encoded, (byte) 0);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new StoreException("Cannot read the keys of key store " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                protection.destroy();
            } catch (javax.security.auth.DestroyFailedException e) {
                // Only the copy of the password is left in memory; the caller still holds the original.
            }
        }
        if (currentId == null) {
            throw new StoreException("Key store " + file + " has no AES secret-key entry with alias '" + currentAlias + "'");
        }
        Map<String, SecretKey> ordered = new LinkedHashMap<>();
        ordered.put(currentId, byId.get(currentId));
        ordered.putAll(byId);
        return new KeyRing(ordered, currentId);
    }

    /** A new random key as base64, e.g. to put into an environment variable or a secrets manager. */
    public static String generateEncodedKey() {
        byte[] key = newKey();
        try {
            return Base64.getEncoder().encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The id of the key that seals new secrets. */
    public String currentKeyId() {
        return currentKeyId;
    }

    /** Every key id in the ring, the current one first. */
    List<String> keyIds() {
        return List.copyOf(keysById.keySet());
    }

    boolean contains(String keyId) {
        return keysById.containsKey(keyId);
    }

    SecretKey currentKey() {
        return keysById.get(currentKeyId);
    }

    /** The key with this id, or {@code null}. */
    SecretKey key(String keyId) {
        return keysById.get(keyId);
    }

    /** Key ids only. */
    @Override
    public String toString() {
        return "KeyRing[current " + currentKeyId + ", keys " + keysById.keySet() + "]";
    }

    private static KeyRing parse(String text, String source, boolean commasAllowed) throws StoreException {
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] tokens = commasAllowed ? line.split("[,\\s]+") : new String[] {line};
            for (String token : tokens) {
                if (token.isEmpty()) {
                    continue;
                }
                String where = source + (lines.length > 1 ? ", line " + (i + 1) : "") + ", key " + (byId.size() + 1);
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(token);
                } catch (IllegalArgumentException e) {
                    // The exception text quotes the offending character; the key itself is never repeated.
                    throw new StoreException(where + " is not valid base64");
                }
                try {
                    if (key.length != KEY_BYTES) {
                        throw new StoreException(where + " has " + key.length + " bytes; a key must be 32 bytes (AES-256)");
                    }
                    add(byId, key, where);
                } catch (IllegalArgumentException e) {
                    throw new StoreException(e.getMessage(), e);
                } finally {
                    Arrays.fill(key, (byte) 0);
                }
            }
        }
        if (byId.isEmpty()) {
            throw new StoreException(source + " holds no key");
        }
        return new KeyRing(byId, byId.keySet().iterator().next());
    }

    private static void add(Map<String, SecretKey> byId, byte[] key, String where) {
        String id = keyId(key);
        if (byId.putIfAbsent(id, new SecretKeySpec(key, AES)) != null) {
            throw new IllegalArgumentException(where + " repeats key " + id);
        }
    }

    static String keyId(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(KEY_ID_LABEL);
            StringBuilder id = new StringBuilder(8);
            for (int i = 0; i < 4; i++) {
                id.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
            }
            return id.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK cannot compute HmacSHA256", e);
        }
    }

    private static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static void writeNewFile(Path file, String content) throws IOException {
        boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView(PosixFileAttributeView.class);
        if (posix) {
            // The permission is part of the creation, so the key is never readable by others, not even briefly.
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
            Files.createFile(file, ownerOnly);
        } else {
            Files.createFile(file);
        }
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        try {
            Files.write(file, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Refuses a key file that anyone but its owner can read, write or execute, or whose owner is neither this
     * process's user nor root: the key opens every stored secret, so it gets the treatment ssh gives a private key.
     * File systems without POSIX permissions (Windows) are not checked.
     */
    private static void checkPermissions(Path file) throws StoreException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null || !Files.exists(file)) {
            return;
        }
        PosixFileAttributes attributes;
        try {
            attributes = view.readAttributes();
        } catch (IOException | UnsupportedOperationException e) {
            throw new StoreException("Cannot read the permissions of key file " + file + ": " + e, e);
        }
        Set<PosixFilePermission> others = EnumSet.copyOf(attributes.permissions());
        others.retainAll(GROUP_OR_OTHERS);
        if (!others.isEmpty()) {
            // Whoever can write the key can swap in their own; whoever can read it can open every secret.
            throw new StoreException("Key file " + file + " is accessible to other users ("
                    + PosixFilePermissions.toString(attributes.permissions()) + "); restrict it to its owner: chmod 600 " + file);
        }
        String owner = attributes.owner().getName();
        String processUser = System.getProperty("user.name");
        if (!owner.equals(processUser) && !owner.equals("root")) {
            throw new StoreException("Key file " + file + " belongs to '" + owner + "', not to the user this process runs as ('"
                    + processUser + "') or root; chown " + processUser + " " + file);
        }
    }
}
