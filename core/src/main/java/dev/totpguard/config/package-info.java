/**
 * TOTP Guard's configuration: the keys ({@link dev.totpguard.config.TotpGuardSettings}) and what they build
 * ({@link dev.totpguard.config.TwoFactorServiceFactory}: policy, key ring, JNDI {@code DataSource} or HikariCP pool,
 * store). Code that configures TOTP Guard in Java needs none of this: it uses the builders of
 * {@link dev.totpguard.TwoFactorService} and the adapter modules.
 */
package dev.totpguard.config;
