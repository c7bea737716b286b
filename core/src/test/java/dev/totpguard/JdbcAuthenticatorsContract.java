package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.SealedSecret;
import dev.totpguard.crypto.SecretCipher;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.qr.QrCode;
import dev.totpguard.store.AccountKey;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.JdbcCredentialStore;
import dev.totpguard.store.StoreException;
import dev.totpguard.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AuthenticatorsContract} on a real database, plus the upgrade of a database created by the schema files of
 * today's main (commit bc61545, fixtures {@code schema-fixtures/2026-12-04-main/}): its enrolled user keeps signing in
 * with the code and the recovery codes, and can add a second authenticator.
 */
abstract class JdbcAuthenticatorsContract extends AuthenticatorsContract {

    TestDatabase database;

    abstract TestDatabase openDatabase();

    @BeforeEach
    void openDatabaseForTest() {
        database = openDatabase();
    }

    @AfterEach
    void dropTables() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    private CredentialStore store;

    /** One store for the test (each would open a pool of its own); {@link #aNewNode()} for another node. */
    @Override
    CredentialStore store() throws Exception {
        if (store == null) {
            store = aNewNode();
        }
        return store;
    }

    CredentialStore aNewNode() throws Exception {
        return database.newStore(database.newPool(2));
    }

    @Test
    void aDatabaseOfTodaysMainIsUpgradedByRerunningTheSchemaFile() throws Exception {
        Secret secret = Secret.generate();
        SealedSecret sealed = new SecretCipher(keyRing).seal("admin", secret);
        Enrollment phone = new Enrollment("admin", OtpAuthUri.of("TOTP Guard", "admin", secret, TotpParameters.DEFAULT),
                QrCode.builder().build(), "unused");
        dev.totpguard.recovery.RecoveryCodes codes = dev.totpguard.recovery.RecoveryCodes.builder().iterations(1000).build();
        String recoveryCode = codes.generate().get(0);
        String recoveryHash = codes.hash(recoveryCode);
        String file = database.kind().name().toLowerCase(Locale.ROOT) + ".sql";
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            String old = new String(getClass().getResourceAsStream("/schema-fixtures/2026-12-04-main/" + file).readAllBytes(),
                    StandardCharsets.UTF_8);
            // Comments first (they contain semicolons), then one statement per semicolon, as a DBA's client runs the file.
            String withoutComments = old.replace(JdbcCredentialStore.DEFAULT_TABLE_PREFIX, database.prefix()).lines()
                    .filter(line -> !line.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
            for (String sql : withoutComments.split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + database.prefix() + "credential "
                    + "(user_id, status, secret_key_id, secret_ciphertext, algorithm, digits, period_seconds, device_label, created_at, "
                    + "confirmed_at, last_used_step, failures, secret_generation, account_key) "
                    + "VALUES ('admin', 'ACTIVE', ?, ?, 'SHA1', 6, 30, 'iPhone', 1, 2, 5, 0, 7, ?)")) {
                insert.setString(1, sealed.keyId());
                insert.setBytes(2, sealed.ciphertext());
                insert.setString(3, AccountKey.of("admin"));
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + database.prefix() + "recovery_code "
                    + "(user_id, code_index, code_hash, used_at) VALUES ('admin', 0, ?, NULL)")) {
                insert.setString(1, recoveryHash);
                insert.executeUpdate();
            }
        }

        StoreException outdated = assertThrows(StoreException.class,
                () -> JdbcCredentialStore.builder(database.newPool(2)).tablePrefix(database.prefix()).build());
        assertTrue(outdated.getMessage().contains("META-INF/totpguard/sql/" + file), outdated.getMessage());
        assertTrue(outdated.getMessage().contains(database.prefix() + "authenticator"), outdated.getMessage());

        // Re-running the shipped file (createSchemaIfMissing runs exactly that file) upgrades in place.
        TwoFactorService service = service();
        assertTrue(service.verify("admin", code(phone, 0), ADDRESS).isAccepted(), "the old credential's code works");
        assertEquals(List.of(Optional.of("iPhone")), service.authenticators("admin").stream().map(Authenticator::label).toList(),
                "the old credential is the account's first authenticator");
        nextStep();
        Enrollment backup = added(service, "admin", phone, "backup");
        assertTrue(service.verify("admin", code(backup, 0), ADDRESS).isAccepted(), "the second authenticator signs in");
        assertTrue(service.verify("admin", code(phone, 0), ADDRESS).isAccepted(), "and so does the first");
        assertTrue(service.useRecoveryCode("admin", recoveryCode, ADDRESS).isAccepted(), "the old recovery code works");
        TwoFactorService restarted = TwoFactorService.builder().store(aNewNode()).keyRing(keyRing).clock(clock).build();
        assertEquals(2, restarted.authenticators("admin").size(), "running the file once more keeps the rows");
    }
}
