/**
 * TOTP Guard's core: the TOTP engine, QR codes, recovery codes, encryption at rest, the credential store and the
 * {@link dev.totpguard.TwoFactorService} facade. Exports only the API packages; {@code dev.totpguard.internal} is
 * shared with TOTP Guard's own modules and nobody else. On the class path (a drop-in in {@code WEB-INF/lib} or a
 * container's {@code lib}) this file is ignored and the jar works as before.
 */
module dev.totpguard.core {
    exports dev.totpguard;
    exports dev.totpguard.config;
    exports dev.totpguard.crypto;
    exports dev.totpguard.otp;
    exports dev.totpguard.qr;
    exports dev.totpguard.recovery;
    exports dev.totpguard.store;

    exports dev.totpguard.internal to dev.totpguard.filter, dev.totpguard.jaas, dev.totpguard.spring;
    exports dev.totpguard.internal.config to dev.totpguard.filter, dev.totpguard.jaas, dev.totpguard.spring;
    exports dev.totpguard.internal.template to dev.totpguard.filter, dev.totpguard.jaas, dev.totpguard.spring;
    exports dev.totpguard.internal.web to dev.totpguard.filter, dev.totpguard.jaas, dev.totpguard.spring;

    requires transitive java.sql;
    requires java.naming;
    requires java.desktop;
    requires com.google.zxing;
    requires org.apache.commons.codec;
    // Only the pool that TwoFactorServiceFactory (through internal.config.SettingsFactory) builds over a JDBC URL
    // needs it: an application that hands in its own DataSource (or a JNDI one) runs without HikariCP.
    requires static com.zaxxer.hikari;
    // Only internal.config.EnvironmentSettings, which the Spring Boot auto-configurations load, reads Spring.
    requires static spring.core;
    // Only internal.web.CsrfCheck.Request.of reads a servlet request, for the modules that run in a servlet container.
    requires static jakarta.servlet;
}
