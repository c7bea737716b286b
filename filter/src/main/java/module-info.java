/**
 * TOTP Guard's Jakarta Servlet filter. Exports its API package only; the container finds
 * {@link dev.totpguard.filter.TotpGuardInitializer} as a service, Spring Boot finds the auto-configuration by name.
 * On the class path (the drop-in case) this file is ignored.
 */
module dev.totpguard.filter {
    exports dev.totpguard.filter;

    requires transitive dev.totpguard.core;
    requires transitive jakarta.servlet;
    // The auto-configuration is loaded only inside a Spring Boot application, which brings these.
    requires static spring.boot;
    requires static spring.boot.autoconfigure;
    requires static spring.beans;
    requires static spring.context;
    requires static spring.core;

    provides jakarta.servlet.ServletContainerInitializer with dev.totpguard.filter.TotpGuardInitializer;
}
