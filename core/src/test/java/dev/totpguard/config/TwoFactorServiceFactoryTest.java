package dev.totpguard.config;

import dev.totpguard.internal.config.SettingsFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.Enrollment;
import dev.totpguard.TwoFactorService;
import dev.totpguard.Verification.Outcome;
import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building the service from the shared settings keys, as the filter and the JAAS module do. */
class TwoFactorServiceFactoryTest {

    @TempDir
    Path directory;

    Map<String, String> settings() throws Exception {
        Path keyFile = directory.resolve("totpguard.key");
        if (!Files.exists(keyFile)) {
            KeyRing.generateKeyFile(keyFile);
        }
        Map<String, String> settings = new HashMap<>();
        settings.put(TotpGuardSettings.JDBC_URL, "jdbc:h2:file:" + directory.resolve("db").toAbsolutePath());
        settings.put(TotpGuardSettings.KEY_FILE, keyFile.toString());
        settings.put(TotpGuardSettings.ISSUER, "Acme");
        return settings;
    }

    @Test
    void embeddedDefaultWorksEndToEndAndSurvivesARestart() throws Exception {
        Enrollment enrollment;
        try (TwoFactorService service = TwoFactorServiceFactory.fromSettings(settings())) {
            assertEquals("Acme", service.policy().issuer());
            enrollment = service.startEnrollment("alice");
            String code = Totp.builder().build().generate(enrollment.otpAuthUri().secret().bytes());
            assertTrue(service.confirmEnrollment("alice", enrollment.nonce(), code, "192.0.2.1").isAccepted());
        }
        try (TwoFactorService restarted = TwoFactorServiceFactory.fromSettings(settings())) {
            assertTrue(restarted.status("alice").isActive(), "the H2 file keeps the credential");
            assertEquals(10, restarted.status("alice").recoveryCodesRemaining());
        }
    }

    @Test
    void relativeH2FileIsWarnedAboutInOneLineNamingWhereItLandedWithoutTheRestOfTheUrl() throws Exception {
        Map<String, String> settings = settings();
        settings.put(TotpGuardSettings.JDBC_URL, "jdbc:h2:file:./target/relative-h2-" + System.nanoTime() + "/db;TRACE_LEVEL_FILE=0");
        List<LogRecord> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(SettingsFactory.class.getName());
        logger.addHandler(handler);
        try {
            TwoFactorServiceFactory.fromSettings(settings).close();
            settings.put(TotpGuardSettings.JDBC_URL, "jdbc:h2:file:" + directory.resolve("absolute").toAbsolutePath());
            TwoFactorServiceFactory.fromSettings(settings).close();
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, warnings.size(), warnings.toString());
        String message = warnings.get(0).getMessage();
        assertTrue(message.contains(TotpGuardSettings.JDBC_URL) && message.contains("working directory")
                && message.contains(Path.of("target").toAbsolutePath().toString()), message);
        assertFalse(message.contains("TRACE_LEVEL"), message);
    }

    @Test
    void missingKeyFileIsAStartUpErrorNamingTheKey() throws Exception {
        Map<String, String> settings = settings();
        settings.put(TotpGuardSettings.KEY_FILE, directory.resolve("absent.key").toString());

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TwoFactorServiceFactory.fromSettings(settings));

        assertTrue(error.getMessage().contains(TotpGuardSettings.KEY_FILE), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
        assertFalse(Files.exists(directory.resolve("absent.key")), "a key file is never created implicitly");
    }

    @Test
    void noKeySourceIsAStartUpErrorListingTheOptions() throws Exception {
        Map<String, String> settings = settings();
        settings.remove(TotpGuardSettings.KEY_FILE);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TwoFactorServiceFactory.fromSettings(settings));

        assertTrue(error.getMessage().contains(TotpGuardSettings.KEY_FILE), error.getMessage());
        assertTrue(error.getMessage().contains(TotpGuardSettings.KEY_ENV), error.getMessage());
        assertTrue(error.getMessage().contains(TotpGuardSettings.KEYSTORE_FILE), error.getMessage());
    }

    @Test
    void badStoreSettingsNameTheirKey() throws Exception {
        for (Map.Entry<String, String> bad : Map.of(
                TotpGuardSettings.JDBC_POOL_SIZE, "many",
                TotpGuardSettings.SCHEMA_CREATE, "yes",
                TotpGuardSettings.JDBC_TABLE_PREFIX, "drop table;",
                TotpGuardSettings.JDBC_URL, "postgres://db/app",
                TotpGuardSettings.KEY_ENV, "TOTPGUARD_TEST_SURELY_UNSET_VARIABLE").entrySet()) {
            Map<String, String> settings = settings();
            if (bad.getKey().equals(TotpGuardSettings.KEY_ENV)) {
                settings.remove(TotpGuardSettings.KEY_FILE);
            }
            settings.put(bad.getKey(), bad.getValue());

            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TwoFactorServiceFactory.fromSettings(settings));
            assertTrue(error.getMessage().contains(bad.getKey()), error.getMessage());
        }
    }

    @Test
    void aJdbcUrlNoDriverAcceptsSaysWhyWithoutTheUrlOrThePassword() throws Exception {
        Map<String, String> settings = settings();
        settings.put(TotpGuardSettings.JDBC_URL, "jdbc:nosuchdb://db.example:5432/app?password=InUrl-Secret-1");
        settings.put(TotpGuardSettings.JDBC_PASSWORD, "Setting-Secret-2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TwoFactorServiceFactory.fromSettings(settings));
        assertTrue(e.getMessage().contains(TotpGuardSettings.JDBC_URL), e.getMessage());
        // The driver manager's own words, not just an exception's class name.
        assertTrue(e.getMessage().contains("No suitable driver"), e.getMessage());
        assertFalse(e.getMessage().contains("Secret"), e.getMessage());
        assertFalse(e.getMessage().contains("db.example"), e.getMessage());
    }

    @Test
    void closedServiceFailsClosed() throws Exception {
        TwoFactorService service = TwoFactorServiceFactory.fromSettings(settings());
        service.startEnrollment("alice");

        service.close();

        assertEquals(Outcome.STORE_UNAVAILABLE, service.verify("alice", "123456", null).outcome());
    }

    @Test
    void aJdbcUrlWithoutHikariCpOnTheClassPathIsAStartUpErrorNamingTheDependency() throws Exception {
        // Core's class path as the tests see it, less HikariCP: what an application that depends on core alone has.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<java.net.URL> urls = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.contains("HikariCP")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (java.net.URLClassLoader withoutHikari = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> factory = withoutHikari.loadClass(TwoFactorServiceFactory.class.getName());
            java.lang.reflect.InvocationTargetException thrown = assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> factory.getMethod("fromSettings", Map.class).invoke(null, settings()));
            Throwable error = thrown.getCause();
            // A settings error (an IllegalArgumentException) naming the jar, not a NoClassDefFoundError from deep inside.
            assertEquals(dev.totpguard.internal.config.InvalidSettingException.class.getName(), error.getClass().getName(),
                    String.valueOf(error));
            assertTrue(error.getMessage().contains(TotpGuardSettings.JDBC_URL) && error.getMessage().contains("HikariCP"),
                    error.getMessage());
            assertFalse(error.getMessage().contains(directory.toString()), "a JDBC URL is never repeated: " + error.getMessage());
        }
    }
}
