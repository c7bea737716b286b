package dev.totpguard.otp;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Generates and verifies time-based one-time passwords (RFC 6238).
 *
 * <p>{@link #verify(byte[], CharSequence, long)} checks a code against the current time step and a
 * bounded look-around window, refuses every step at or below the caller's last used step (RFC 6238
 * section 5.2: a code is accepted once) and returns the matched step so the caller can record it.
 * Code input is parsed strictly: exactly {@code digits} ASCII digits, optionally split by single
 * spaces between digits ({@code "123 456"}); anything else is a non-match, never an exception.
 *
 * <p>Instances are immutable and thread-safe; build them once with {@link #builder()}.
 */
public final class Totp {

    /** The largest look-around window on either side (RFC 6238 section 5.2 recommends one step). */
    public static final int MAX_WINDOW = 10;

    /** No step has been used yet: every step in the window may match. */
    public static final long NO_STEP_USED = Long.MIN_VALUE;

    private final TotpParameters parameters;
    private final int stepsBack;
    private final int stepsAhead;
    private final Clock clock;
    private final Hotp hotp;

    private Totp(Builder builder) {
        this.parameters = builder.parameters;
        this.stepsBack = builder.stepsBack;
        this.stepsAhead = builder.stepsAhead;
        this.clock = builder.clock;
        this.hotp = new Hotp(parameters.algorithm(), parameters.digits());
    }

    /** Defaults: {@link TotpParameters#DEFAULT}, one step back and one ahead, the system UTC clock. */
    public static Builder builder() {
        return new Builder();
    }

    public TotpParameters parameters() {
        return parameters;
    }

    int stepsBack() {
        return stepsBack;
    }

    int stepsAhead() {
        return stepsAhead;
    }

    /** The time step of the clock's current instant. */
    public long currentStep() {
        return parameters.timeStepAtMillis(clock.millis());
    }

    /** The code for the clock's current instant, zero-padded. */
    public String generate(byte[] key) {
        return generateAtStep(key, currentStep());
    }

    /** The code for an instant, zero-padded. */
    public String generate(byte[] key, Instant at) {
        return generateAtStep(key, parameters.timeStep(at));
    }

    /** The code for a time step, zero-padded. */
    public String generateAtStep(byte[] key, long step) {
        return hotp.generateString(key, step);
    }

    /**
     * Verifies a code with no previous use recorded.
     *
     * @see #verify(byte[], CharSequence, long)
     */
    public OptionalLong verify(byte[] key, CharSequence code) {
        return verify(key, code, NO_STEP_USED);
    }

    /**
     * Verifies a code typed by a person against the window around the clock's current step.
     *
     * @param key the shared secret
     * @param code the code as entered; {@code null}, malformed or oversized input is simply a non-match
     * @param lastUsedStep the step of the last accepted code ({@link #NO_STEP_USED} if none); steps at or
     *     below it never match
     * @return the matched time step, to be stored as the new last used step; empty if the code does not
     *     match any usable step of the window
     */
    public OptionalLong verify(byte[] key, CharSequence code, long lastUsedStep) {
        int given = parseCode(code, parameters.digits());
        if (given < 0) {
            // Malformed input reveals nothing about the secret, so it may be refused before any HMAC.
            return OptionalLong.empty();
        }
        Hotp.MacState mac = hotp.keyed(key);
        try {
            return verifyWindow(mac, given, lastUsedStep);
        } finally {
            hotp.release(mac);
        }
    }

    private OptionalLong verifyWindow(Hotp.MacState mac, int given, long lastUsedStep) {
        long current = currentStep();
        long matchedStep = 0;
        int found = 0;
        // Every step of the window is computed and compared, with no early exit, so the time taken does
        // not tell an attacker whether or where a code matched (CVE-2022-29185 was an early-exit compare).
        for (long step = current - stepsBack; step <= current + stepsAhead; step++) {
            int candidate = mac.code(step, hotp.modulus());
            int usable = step > lastUsedStep ? 1 : 0;
            int match = equalsConstantTime(candidate, given) & usable;
            // When two steps of the window give the same code, the highest one wins: taking a lower step
            // would leave the higher one usable, and the same code string would be accepted twice.
            long mask = -(long) match;
            matchedStep = (step & mask) | (matchedStep & ~mask);
            found |= match;
        }
        return found == 1 ? OptionalLong.of(matchedStep) : OptionalLong.empty();
    }

    /** 1 if the two codes are equal, else 0, without a data-dependent branch. */
    private static int equalsConstantTime(int a, int b) {
        int difference = a ^ b;
        return ((difference | -difference) >>> 31) ^ 1;
    }

    /**
     * Parses a code as typed: exactly {@code digits} ASCII digits, where single spaces may separate
     * digits ({@code "123 456"}). Leading or trailing spaces, signs, other scripts' digits (e.g.
     * {@code "١٢٣٤٥٦"} or full-width digits), and anything longer than {@code 2 * digits} characters are
     * refused; the cost is bounded by that length check.
     *
     * @return the code's value, or {@code -1} if the input is not a well-formed code
     */
    public static int parseCode(CharSequence code, int digits) {
        if (code == null) {
            return -1;
        }
        int length = code.length();
        if (length < digits || length > 2 * digits - 1) {
            return -1;
        }
        int value = 0;
        int count = 0;
        boolean previousWasDigit = false;
        for (int i = 0; i < length; i++) {
            char c = code.charAt(i);
            if (c >= '0' && c <= '9') {
                if (count == digits) {
                    return -1;
                }
                value = value * 10 + (c - '0');
                count++;
                previousWasDigit = true;
            } else if (c == ' ' && previousWasDigit && i < length - 1) {
                previousWasDigit = false;
            } else {
                return -1;
            }
        }
        return count == digits ? value : -1;
    }

    /** Builds a {@link Totp}; invalid values are refused at once with a message naming them. */
    public static final class Builder {
        private TotpParameters parameters = TotpParameters.DEFAULT;
        private int stepsBack = 1;
        private int stepsAhead = 1;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder parameters(TotpParameters parameters) {
            this.parameters = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /** The same window on both sides: {@code steps} back and {@code steps} ahead (0..10). */
        public Builder window(int steps) {
            return window(steps, steps);
        }

        /** Separate windows: how many steps before and after the current one are accepted (0..10 each). */
        public Builder window(int stepsBack, int stepsAhead) {
            checkWindow("stepsBack", stepsBack);
            checkWindow("stepsAhead", stepsAhead);
            this.stepsBack = stepsBack;
            this.stepsAhead = stepsAhead;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Totp build() {
            return new Totp(this);
        }

        private static void checkWindow(String name, int steps) {
            if (steps < 0 || steps > MAX_WINDOW) {
                throw new IllegalArgumentException(name + " must be from 0 to " + MAX_WINDOW + ", not " + steps);
            }
        }
    }
}
