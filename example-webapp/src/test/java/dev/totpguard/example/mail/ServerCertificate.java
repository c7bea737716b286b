package dev.totpguard.example.mail;

import dev.totpguard.testkit.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;

/**
 * A self-signed certificate for the address 127.0.0.1 (and no host name), made by the JDK's own {@code keytool} for a
 * test's TLS server: the server's key store and a trust store holding that certificate alone, both PKCS#12 with
 * {@link #PASSWORD}. Valid for two days from its making.
 *
 * @param keyStore the server's key and certificate
 * @param trustStore the certificate alone, as a client trusts it
 */
public record ServerCertificate(Path keyStore, Path trustStore) {

    /** The password of both stores. */
    public static final String PASSWORD = "test-store-password";
    /** The only name the certificate is valid for (its subjectAltName). */
    public static final String ADDRESS = "127.0.0.1";

    /** Makes the certificate's stores in {@code directory}. */
    public static ServerCertificate create(Path directory) throws IOException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keyStore = directory.resolve("server.p12");
        Path certificate = directory.resolve("server.crt");
        Path trustStore = directory.resolve("trust.p12");
        ChildProcess.run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=TOTP Guard test mail server", "-ext", "SAN=ip:" + ADDRESS, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD), directory, null);
        ChildProcess.run(List.of(keytool, "-exportcert", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString()), directory, null);
        ChildProcess.run(List.of(keytool, "-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD), directory, null);
        return new ServerCertificate(keyStore, trustStore);
    }

    /** The trust store, loaded. */
    public KeyStore loadTrustStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
