package dev.totpguard.example.mail;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the example's notification mails go out: the SMTP server, the sender address, how the connection is
 * protected, optionally the account to sign in with and the certificates to trust. The launcher's {@code --smtp-*}
 * flags make it. Immutable (the trust store is read only); {@link #toString()} leaves the password out.
 *
 * @param from the sender address, already checked (a plain address, no name, no line breaks)
 * @param user the SMTP account, or empty for a server that takes mail without signing in
 * @param password the SMTP account's password (from a file or the environment, never the command line); empty
 *     without {@code user}
 * @param trustStore the certificates trusted to vouch for the server, instead of Java's default ones (its
 *     {@code cacerts}): a private CA's, or the server's own self-signed one. Empty to trust Java's default ones. Only
 *     with {@link Security#STARTTLS} or {@link Security#TLS}, and never a reason to skip the check of the server's name.
 */
public record SmtpSettings(String host, int port, String from, Security security, Optional<String> user, Optional<String> password,
        Optional<KeyStore> trustStore) {

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
        Objects.requireNonNull(trustStore, "trustStore");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("An SMTP port is 1 to 65535, not " + port);
        }
        if (trustStore.isPresent() && security == Security.NONE) {
            throw new IllegalArgumentException("A trust store is for an SMTP connection with TLS, not a plain one");
        }
        if (trustStore.isPresent() && !holdsCertificate(trustStore.get())) {
            // An empty trust store would refuse every server: say so at the start, not at the first mail.
            throw new IllegalArgumentException("The SMTP trust store holds no certificate");
        }
    }

    /** Settings without a trust store of their own: Java's default certificates vouch for the server. */
    public SmtpSettings(String host, int port, String from, Security security, Optional<String> user, Optional<String> password) {
        this(host, port, from, security, user, password, Optional.empty());
    }

    private static boolean holdsCertificate(KeyStore store) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) != null) {
                    return true;
                }
            }
            return false;
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("The SMTP trust store is not loaded", e);
        }
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", " + security + ", from " + from + user.map(name -> ", user " + name).orElse("")
                + (trustStore.isPresent() ? ", own trust store" : "") + "]";
    }
}
