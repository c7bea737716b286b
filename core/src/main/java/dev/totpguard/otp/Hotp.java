package dev.totpguard.otp;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Generates HMAC-based one-time passwords (RFC 4226), the building block of TOTP.
 *
 * <p>Instances are thread-safe. Each computation borrows a {@link Mac} with its buffers from a small pool
 * the instance owns and gives it back, so generating a code looks up no provider and allocates only the key
 * spec that {@link Mac#init} needs. A pool, not a {@code ThreadLocal}: a container's worker threads outlive
 * the web application, and a {@code ThreadLocal} value would pin its class loader after an undeploy (Tomcat
 * logs that as a memory leak on every stop).
 */
public final class Hotp {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final HmacAlgorithm algorithm;
    private final int digits;
    private final int modulus;
    /** Idle MAC states; bounded, so a burst of parallel logins leaves no more behind than this holds. */
    private final ArrayBlockingQueue<MacState> idle;

    /**
     * @param digits 6, 7 or 8
     * @throws IllegalArgumentException if {@code digits} is out of range
     * @throws IllegalStateException if the JDK offers no provider for the algorithm (checked here so a
     *     broken runtime fails at start-up, not at the first login)
     */
    public Hotp(HmacAlgorithm algorithm, int digits) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        if (digits < TotpParameters.MIN_DIGITS || digits > TotpParameters.MAX_DIGITS) {
            throw new IllegalArgumentException("digits must be 6, 7 or 8, not " + digits);
        }
        this.digits = digits;
        this.modulus = POWERS_OF_TEN[digits];
        newMac(algorithm);
        this.idle = new ArrayBlockingQueue<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    public HmacAlgorithm algorithm() {
        return algorithm;
    }

    public int digits() {
        return digits;
    }

    /**
     * The HOTP value for a counter as a number: leading zeros are not represented, so compare it as a
     * number or format it with {@link #format(int)}.
     *
     * @throws IllegalArgumentException if the key is empty
     */
    public int generate(byte[] key, long counter) {
        MacState state = keyed(key);
        try {
            return state.code(counter, modulus);
        } finally {
            release(state);
        }
    }

    /** The HOTP value for a counter, zero-padded to the configured number of digits. */
    public String generateString(byte[] key, long counter) {
        return format(generate(key, counter));
    }

    /** Zero-pads a code to the configured number of digits, e.g. {@code 81804 -> "081804"}. */
    String format(int code) {
        if (code < 0 || code >= modulus) {
            throw new IllegalArgumentException("code out of range for " + digits + " digits");
        }
        char[] chars = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            chars[i] = (char) ('0' + code % 10);
            code /= 10;
        }
        return new String(chars);
    }

    int modulus() {
        return modulus;
    }

    /** A MAC state keyed with {@code key}, the caller's alone until it {@link #release}s it. */
    MacState keyed(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        MacState state = idle.poll();
        if (state == null) {
            state = new MacState(newMac(algorithm));
        }
        try {
            state.mac.init(new SecretKeySpec(key, algorithm.macName()));
        } catch (InvalidKeyException e) {
            release(state);
            throw new IllegalArgumentException("key rejected by " + algorithm.macName(), e);
        }
        return state;
    }

    /** Gives a state from {@link #keyed} back to the pool (dropped when the pool is full). */
    void release(MacState state) {
        idle.offer(state);
    }

    private static Mac newMac(HmacAlgorithm algorithm) {
        try {
            return Mac.getInstance(algorithm.macName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JDK has no " + algorithm.macName() + " provider", e);
        }
    }

    /** A thread's Mac plus the buffers that let it compute codes without allocating. */
    static final class MacState {
        private final Mac mac;
        private final byte[] counterBytes = new byte[8];
        private final byte[] hmac;

        MacState(Mac mac) {
            this.mac = mac;
            this.hmac = new byte[mac.getMacLength()];
        }

        /** RFC 4226 section 5.3: HMAC of the big-endian counter, dynamic truncation, modulo 10^digits. */
        int code(long counter, int modulus) {
            for (int i = 7; i >= 0; i--) {
                counterBytes[i] = (byte) counter;
                counter >>>= 8;
            }
            mac.update(counterBytes, 0, 8);
            try {
                mac.doFinal(hmac, 0);
            } catch (ShortBufferException e) {
                throw new AssertionError("buffer sized from getMacLength() was too short", e);
            }
            int offset = hmac[hmac.length - 1] & 0x0f;
            int binary = ((hmac[offset] & 0x7f) << 24)
                    | ((hmac[offset + 1] & 0xff) << 16)
                    | ((hmac[offset + 2] & 0xff) << 8)
                    | (hmac[offset + 3] & 0xff);
            return binary % modulus;
        }
    }
}
