package dev.totpguard.example.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.JdbcUserDetailsManager;
import org.springframework.stereotype.Component;

/**
 * A database without accounts gets the administrator {@value #NAME}: its password comes from the environment
 * variable {@value #PASSWORD_ENV}, or is a random one written to {@value #PASSWORD_FILE} in the data folder (mode
 * 0600), never to the log, which is often kept.
 */
@Component
class FirstAdministrator implements ApplicationRunner {

    static final String NAME = "admin";
    static final String PASSWORD_ENV = "TOTPGUARD_ADMIN_PASSWORD";
    static final String PASSWORD_FILE = "initial-admin-password";
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final Logger LOG = LoggerFactory.getLogger(FirstAdministrator.class);

    private final JdbcUserDetailsManager users;
    private final PasswordEncoder passwords;
    private final ExampleProperties properties;

    FirstAdministrator(JdbcUserDetailsManager users, PasswordEncoder passwords, ExampleProperties properties) {
        this.users = users;
        this.passwords = passwords;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (users.getJdbcTemplate().queryForObject("select count(*) from users", Integer.class) > 0) {
            return;
        }
        String given = System.getenv(PASSWORD_ENV);
        String password = given == null || given.isEmpty() ? randomPassword() : given;
        if (given == null || given.isEmpty()) {
            Path file = properties.data().toAbsolutePath().resolve(PASSWORD_FILE);
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, password + System.lineSeparator(), StandardCharsets.UTF_8);
            LOG.warn("Created the administrator '{}'. Its password is in {} (readable by this user only): sign in, then "
                    + "delete that file.", NAME, file);
        } else {
            LOG.info("Created the administrator '{}' with the password from {}.", NAME, PASSWORD_ENV);
        }
        users.createUser(User.withUsername(NAME).password(passwords.encode(password)).roles("ADMIN").build());
    }

    private static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
