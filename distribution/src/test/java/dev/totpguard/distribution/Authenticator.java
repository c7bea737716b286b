package dev.totpguard.distribution;

import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;

/**
 * A user's authenticator app, set up from the key an enrollment page shows: it computes codes with core's
 * {@link Totp}. Not thread-safe.
 */
final class Authenticator {

    private final Totp totp = Totp.builder().build();
    private final byte[] secret;
    private long lastStep = Long.MIN_VALUE;

    /** {@code key}: the Base32 key as shown, spaces allowed. */
    Authenticator(String key) {
        this.secret = Secret.fromBase32(key.replace(" ", "")).bytes();
    }

    /**
     * A code not given out yet: the current step's, or, if that one was given, the next step's (the default window
     * accepts one step ahead), so a test never waits for the clock.
     */
    String nextCode() {
        lastStep = Math.max(lastStep + 1, totp.currentStep());
        return totp.generateAtStep(secret, lastStep);
    }
}
