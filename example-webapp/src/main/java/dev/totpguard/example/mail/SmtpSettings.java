package dev.totpguard.example.mail;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the example's notification mails go out: the SMTP server, the sender address, how the connection is
 * protected and, optionally, the account to sign in with. The launcher's {@code --smtp-*} flags make it. Immutable;
 * {@link #toString()} leaves the password out.
 *
 * @param from the sender address, already checked (a plain address, no name, no line breaks)
 * @param user the SMTP account, or empty for a server that takes mail without signing in
 * @param password the SMTP account's password (from a file or the environment, never the command line); empty
 *     without {@code user}
 */
public record SmtpSettings(String host, int port, String from, Security security, Optional<String> user, Optional<String> password) {

    /** How the connection to the SMTP server is protected. */
    public enum Security {
        /** Plain SMTP: only for a relay on this machine or a trusted network, and never with a password. */
        NONE(25),
        /** SMTP upgraded with STARTTLS, which the server must offer (else the mail is not sent). */
        STARTTLS(587),
        /** SMTP inside TLS from the first byte (SMTPS). */
        TLS(465);

        private final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        /** The usual port of this kind of connection. */
        public int defaultPort() {
            return defaultPort;
        }
    }

    public SmtpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("An SMTP port is 1 to 65535, not " + port);
        }
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", " + security + ", from " + from + user.map(name -> ", user " + name).orElse("") + "]";
    }
}
