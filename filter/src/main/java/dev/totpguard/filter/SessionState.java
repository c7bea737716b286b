package dev.totpguard.filter;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * The filter's values in the {@code HttpSession}. All are small immutable {@link Serializable} objects
 * bound to one user name, so container session replication carries them across nodes and a session that
 * changes hands to another user (a second login in the same browser) does not inherit them.
 */
final class SessionState {

    /** {@link Verified}: this session passed the second factor. Read on every protected request. */
    static final String VERIFIED = "dev.totpguard.filter.verified";
    /** {@link Pending}: the user passed the password and was sent to the code page at that time. */
    static final String PENDING = "dev.totpguard.filter.pending";
    /** {@link Pending}: the user entered a current code to set up a new authenticator, until that time. */
    static final String REENROLL = "dev.totpguard.filter.reenroll";
    /** {@link EnrollmentNonce}: the enrollment this session started; only this session can see and confirm it. */
    static final String ENROLLMENT = "dev.totpguard.filter.enrollment";
    /** String: the same-origin path and query to return to after the code. */
    static final String RETURN_TARGET = "dev.totpguard.filter.return";

    private SessionState() {
    }

    /**
     * The verified marker: {user, verifiedAt}. The time is kept as epoch milliseconds so the hot path can
     * check the maximum age without creating objects.
     */
    static final class Verified implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String user;
        private final long verifiedAtMillis;

        Verified(String user, Instant verifiedAt) {
            this.user = Objects.requireNonNull(user, "user");
            this.verifiedAtMillis = verifiedAt.toEpochMilli();
        }

        String user() {
            return user;
        }

        long verifiedAtMillis() {
            return verifiedAtMillis;
        }

        Instant verifiedAt() {
            return Instant.ofEpochMilli(verifiedAtMillis);
        }

        @Override
        public String toString() {
            return "Verified[" + user + " at " + verifiedAt() + "]";
        }
    }

    /** A user name and a moment: when a half-authenticated state began, or until when a grant lasts. */
    static final class Pending implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String user;
        private final long millis;

        Pending(String user, long millis) {
            this.user = Objects.requireNonNull(user, "user");
            this.millis = millis;
        }

        String user() {
            return user;
        }

        long millis() {
            return millis;
        }

        @Override
        public String toString() {
            return "Pending[" + user + " at " + Instant.ofEpochMilli(millis) + "]";
        }
    }

    /**
     * The nonce of the enrollment this session started ({@code Enrollment.nonce()}), bound to the user. It is the
     * session's capability to see the pending secret again and confirm it; it lives only here and never in a page.
     * {@link #toString()} hides it.
     */
    static final class EnrollmentNonce implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String user;
        private final String nonce;

        EnrollmentNonce(String user, String nonce) {
            this.user = Objects.requireNonNull(user, "user");
            this.nonce = Objects.requireNonNull(nonce, "nonce");
        }

        String user() {
            return user;
        }

        String nonce() {
            return nonce;
        }

        @Override
        public String toString() {
            return "EnrollmentNonce[" + user + "]";
        }
    }
}
