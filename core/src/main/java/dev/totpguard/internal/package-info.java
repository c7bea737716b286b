/**
 * Code shared between TOTP Guard's own modules (core, jaas, filter), public only because Java packages
 * cannot be shared with just those modules without a module descriptor.
 *
 * <p><b>Not an API.</b> Types here may change or go in any release without notice. Applications use the
 * purpose-built public types instead: {@link dev.totpguard.recovery.RecoveryCodes} for recovery codes and
 * {@code dev.totpguard.jaas.PasswordHash} for password hashes.
 */
package dev.totpguard.internal;
