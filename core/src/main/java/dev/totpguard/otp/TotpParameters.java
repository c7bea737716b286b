package dev.totpguard.otp;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The parameters that an authenticator app and the verifier must share to compute the same TOTP codes
 * (RFC 6238 section 4): HMAC function, number of digits, time step length {@code X} and start time
 * {@code T0}.
 *
 * <p>Instances are immutable and thread-safe. {@link #DEFAULT} is SHA-1, 6 digits, 30 seconds, T0 = 0:
 * the only combination every authenticator app supports.
 */
public final class TotpParameters {

    /** SHA-1, 6 digits, 30-second steps, T0 = Unix epoch. */
    public static final TotpParameters DEFAULT = builder().build();

    /** Smallest number of digits allowed (RFC 4226 section 5.3 requires at least 6). */
    public static final int MIN_DIGITS = 6;
    /** Largest number of digits allowed: 8 is the most any app shows and fits an {@code int} modulus. */
    public static final int MAX_DIGITS = 8;
    /** Shortest time step allowed, in seconds. */
    public static final int MIN_PERIOD_SECONDS = 1;
    /** Longest time step allowed, in seconds: an hour, beyond which a code outlives any sign-in. */
    public static final int MAX_PERIOD_SECONDS = 3600;

    private final HmacAlgorithm algorithm;
    private final int digits;
    private final int periodSeconds;
    private final long t0EpochSeconds;

    private TotpParameters(Builder builder) {
        this.algorithm = builder.algorithm;
        this.digits = builder.digits;
        this.periodSeconds = builder.periodSeconds;
        this.t0EpochSeconds = builder.t0EpochSeconds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this instance's values. */
    public Builder toBuilder() {
        return new Builder().algorithm(algorithm).digits(digits).periodSeconds(periodSeconds).t0(Instant.ofEpochSecond(t0EpochSeconds));
    }

    public HmacAlgorithm algorithm() {
        return algorithm;
    }

    public int digits() {
        return digits;
    }

    /** The time step length X. */
    Duration period() {
        return Duration.ofSeconds(periodSeconds);
    }

    public int periodSeconds() {
        return periodSeconds;
    }

    /** The Unix time T0 from which steps are counted. */
    public Instant t0() {
        return Instant.ofEpochSecond(t0EpochSeconds);
    }

    /**
     * The time step T = floor((unixTime - T0) / X) for an instant (RFC 6238 section 4.2). A {@code long},
     * so it is correct beyond 2038 and 2106.
     */
    public long timeStep(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond() - t0EpochSeconds, periodSeconds);
    }

    /** The same as {@link #timeStep(Instant)} for a Unix time in milliseconds; allocation free. */
    long timeStepAtMillis(long epochMillis) {
        return Math.floorDiv(Math.floorDiv(epochMillis, 1000L) - t0EpochSeconds, periodSeconds);
    }

    /** The instant at which a time step starts. */
    Instant stepStart(long step) {
        return Instant.ofEpochSecond(Math.addExact(t0EpochSeconds, Math.multiplyExact(step, (long) periodSeconds)));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TotpParameters)) {
            return false;
        }
        TotpParameters that = (TotpParameters) o;
        return digits == that.digits && periodSeconds == that.periodSeconds
                && t0EpochSeconds == that.t0EpochSeconds && algorithm == that.algorithm;
    }

    @Override
    public int hashCode() {
        // Written out rather than Objects.hash: the service looks its Totp up by these parameters on every
        // verify, and Objects.hash would allocate an array each time.
        int result = algorithm.hashCode();
        result = 31 * result + digits;
        result = 31 * result + periodSeconds;
        return 31 * result + Long.hashCode(t0EpochSeconds);
    }

    @Override
    public String toString() {
        return "TotpParameters[" + algorithm.uriName() + ", " + digits + " digits, " + periodSeconds + " s"
                + (t0EpochSeconds == 0 ? "" : ", T0=" + t0EpochSeconds) + "]";
    }

    /** Builds {@link TotpParameters}; every setter validates at once and names the bad value. */
    public static final class Builder {
        private HmacAlgorithm algorithm = HmacAlgorithm.SHA1;
        private int digits = 6;
        private int periodSeconds = 30;
        private long t0EpochSeconds = 0;

        private Builder() {
        }

        public Builder algorithm(HmacAlgorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /** @throws IllegalArgumentException unless 6, 7 or 8 */
        public Builder digits(int digits) {
            if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
                throw new IllegalArgumentException("digits must be 6, 7 or 8, not " + digits);
            }
            this.digits = digits;
            return this;
        }

        /** @throws IllegalArgumentException unless a whole number of seconds from 1 s to 1 hour */
        public Builder period(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.getNano() != 0 || period.getSeconds() < MIN_PERIOD_SECONDS || period.getSeconds() > MAX_PERIOD_SECONDS) {
                throw new IllegalArgumentException("period must be a whole number of seconds from " + MIN_PERIOD_SECONDS + " to "
                        + MAX_PERIOD_SECONDS + ", not " + period);
            }
            return periodSeconds((int) period.getSeconds());
        }

        /** @throws IllegalArgumentException unless {@value #MIN_PERIOD_SECONDS}..{@value #MAX_PERIOD_SECONDS} */
        public Builder periodSeconds(int seconds) {
            if (seconds < MIN_PERIOD_SECONDS || seconds > MAX_PERIOD_SECONDS) {
                throw new IllegalArgumentException("period must be from " + MIN_PERIOD_SECONDS + " to " + MAX_PERIOD_SECONDS + " seconds, not " + seconds);
            }
            this.periodSeconds = seconds;
            return this;
        }

        /** The start time T0; whole seconds only. */
        public Builder t0(Instant t0) {
            Objects.requireNonNull(t0, "t0");
            if (t0.getNano() != 0) {
                throw new IllegalArgumentException("T0 must be a whole second, not " + t0);
            }
            this.t0EpochSeconds = t0.getEpochSecond();
            return this;
        }

        public TotpParameters build() {
            return new TotpParameters(this);
        }
    }
}
