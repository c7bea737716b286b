package dev.totpguard.jaas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A {@link PasswordVerifier} over a UTF-8 properties file of PBKDF2 hashes, one user a line, in the layout of
 * Jetty's and Tomcat's user files but with a hash where they allow a plain password:
 * <pre>
 * # user = hash[, role ...]      (hash lines come from: java dev.totpguard.jaas.PasswordHash)
 * alice = pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA$..., admin, user
 * </pre>
 * Every hash must be well formed ({@link PasswordHash#isWellFormed}); plain passwords are refused when the
 * file is read. The file is read at start and read again when its modification time or size changes; a
 * file that becomes unreadable or malformed fails closed ({@link PasswordStoreException}) until fixed.
 *
 * <p>Thread-safe: the parsed file is an immutable snapshot behind a volatile reference.
 */
public final class PropertiesPasswordVerifier implements PasswordVerifier {

    private final Path file;
    private final PasswordHash hasher;
    private volatile Snapshot snapshot;

    private PropertiesPasswordVerifier(Path file, PasswordHash hasher, Snapshot snapshot) {
        this.file = file;
        this.hasher = hasher;
        this.snapshot = snapshot;
    }

    /**
     * Reads the file now.
     *
     * @param hasher decides the dummy work for unknown users: give it the iteration count the file's hashes use
     * @throws PasswordStoreException if the file cannot be read or a line is malformed (the message names the
     *     file and the user, never the hash)
     */
    public static PropertiesPasswordVerifier load(Path file, PasswordHash hasher) throws PasswordStoreException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(hasher, "hasher");
        return new PropertiesPasswordVerifier(file, hasher, read(file));
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<VerifiedAccount> verify(String user, char[] password) throws PasswordStoreException {
        Objects.requireNonNull(user, "user");
        Entry entry = current().users.get(user);
        if (entry == null) {
            // Unknown users cost one full hash too, so timing does not reveal who exists.
            hasher.matchesDummy(password);
            return Optional.empty();
        }
        // The file's keys are compared exactly, so the stored name is the typed one.
        return hasher.matches(password, entry.hash) ? Optional.of(new VerifiedAccount(user, entry.roles)) : Optional.empty();
    }

    private Snapshot current() throws PasswordStoreException {
        Snapshot seen = snapshot;
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new PasswordStoreException("Cannot read the users file " + file, e);
        }
        if (attributes.lastModifiedTime().equals(seen.modified) && attributes.size() == seen.size) {
            return seen;
        }
        Snapshot fresh = read(file);
        snapshot = fresh;
        return fresh;
    }

    private static Snapshot read(Path file) throws PasswordStoreException {
        Properties properties = new Properties();
        FileTime modified;
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            modified = attributes.lastModifiedTime();
            size = attributes.size();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new PasswordStoreException("Cannot read the users file " + file, e);
        }
        Map<String, Entry> users = new HashMap<>();
        for (String user : properties.stringPropertyNames()) {
            String[] fields = properties.getProperty(user).split(",");
            String hash = fields[0].trim();
            if (!PasswordHash.isWellFormed(hash)) {
                throw new PasswordStoreException("Users file " + file + ": the entry for user '" + user
                        + "' is not a pbkdf2-sha256$ITERATIONS$SALT$HASH hash (make one with"
                        + " java dev.totpguard.jaas.PasswordHash)", null);
            }
            Set<String> roles = new LinkedHashSet<>();
            for (String role : Arrays.asList(fields).subList(1, fields.length)) {
                if (!role.isBlank()) {
                    roles.add(role.trim());
                }
            }
            users.put(user, new Entry(hash, Set.copyOf(roles)));
        }
        return new Snapshot(modified, size, Map.copyOf(users));
    }

    @Override
    public String toString() {
        return "PropertiesPasswordVerifier[" + file + "]";
    }

    private static final class Entry {
        final String hash;
        final Set<String> roles;

        Entry(String hash, Set<String> roles) {
            this.hash = hash;
            this.roles = roles;
        }
    }

    private static final class Snapshot {
        final FileTime modified;
        final long size;
        final Map<String, Entry> users;

        Snapshot(FileTime modified, long size, Map<String, Entry> users) {
            this.modified = modified;
            this.size = size;
            this.users = users;
        }
    }
}
