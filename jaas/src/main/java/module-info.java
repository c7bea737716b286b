/**
 * TOTP Guard's JAAS login module ({@code dev.totpguard.jaas}) and Jakarta Authentication module
 * ({@code dev.totpguard.jaspic}). On the class path (a container's {@code lib}) this file is ignored.
 */
module dev.totpguard.jaas {
    exports dev.totpguard.jaas;
    exports dev.totpguard.jaspic;

    requires transitive dev.totpguard.core;
    requires java.naming;
    // Supplied by the container that runs the Jakarta Authentication module; the JAAS login module needs neither.
    requires static jakarta.security.auth.message;
    requires static jakarta.servlet;
    // Jetty's request callbacks and responses, used only when Jetty runs the modules.
    requires static org.eclipse.jetty.security;
    requires static org.eclipse.jetty.server;
    requires static org.eclipse.jetty.io;
    requires static org.eclipse.jetty.util;
    // The users table's pool over a JDBC URL; an application's DataSource (JNDI) needs none.
    requires static com.zaxxer.hikari;

    provides jakarta.servlet.ServletContainerInitializer with dev.totpguard.jaspic.RegistrationCheck;
}
