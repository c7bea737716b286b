/**
 * The one typed reader of TOTP Guard's settings that every module and every source uses ({@link Settings}: one
 * error format, secrets never echoed, unknown keys refused) and what it builds ({@link SettingsFactory}). Not API:
 * exported only to TOTP Guard's own modules.
 */
package dev.totpguard.internal.config;
