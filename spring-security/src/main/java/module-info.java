/**
 * TOTP Guard's Spring Security factor: {@link dev.totpguard.spring.TotpFactor} and
 * {@link dev.totpguard.spring.TotpConfigurer}; Spring Boot finds the auto-configuration by name. On the class path
 * this file is ignored.
 */
module dev.totpguard.spring {
    exports dev.totpguard.spring;

    requires transitive dev.totpguard.core;
    requires transitive spring.security.core;
    requires transitive spring.security.config;
    requires transitive spring.security.web;
    requires jakarta.servlet;
    requires spring.beans;
    requires spring.context;
    requires spring.core;
    requires spring.web;
    // The auto-configuration is loaded only inside a Spring Boot application, which brings these.
    requires static spring.boot;
    requires static spring.boot.autoconfigure;
}
