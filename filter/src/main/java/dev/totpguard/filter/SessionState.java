package dev.totpguard.filter;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * The filter's values in the {@code HttpSession}. All are small immutable {@link Serializable} objects
 * bound to one user name, so container session replication carries them across nodes and a session that
 * changes hands to another user (a second login in the same browser) does not inherit them. The verified
 * marker is bound to one login as well: see {@link Verified}.
 */
final class SessionState {

    /**
     * {@link Verified}: this session passed the second factor. Read on every protected request, together with the
     * account's session revocation (answered from memory, see {@code TwoFactorService.isSessionCurrent}).
     */
    static final String VERIFIED = "dev.totpguard.filter.verified";
    /** {@link Pending}: the user passed the password and was sent to the code page at that time. */
    static final String PENDING = "dev.totpguard.filter.pending";
    /** {@link Pending}: the user entered a current code to set up a new authenticator, until that time. */
    static final String REENROLL = "dev.totpguard.filter.reenroll";
    /** {@link EnrollmentNonce}: the enrollment this session started; only this session can see and confirm it. */
    static final String ENROLLMENT = "dev.totpguard.filter.enrollment";
    /** {@link EnrollmentNonce}: the further authenticator this session started adding; only it can see and confirm it. */
    static final String ADDITION = "dev.totpguard.filter.addition";
    /** String: the same-origin path and query to return to after the code. */
    static final String RETURN_TARGET = "dev.totpguard.filter.return";
    /**
     * {@link RepeatedLogin}: the user a login that the browser repeats on every request (BASIC, DIGEST, a client
     * certificate) signed in on a protected path, when the filter sent them to its pages.
     */
    static final String REPEATED_LOGIN = "dev.totpguard.filter.repeated-login";
    /**
     * {@link Pending}: the signed-in user the filter first saw in this session (a container's or an application's
     * login) and the account's {@code TwoFactorService.sessionsValidAfter} read then. Checked on every request with a
     * signed-in user, verified or not, with the account's session revocation: any later revocation (a password change
     * through {@code revokeSessions}, a reset, a lock) ends the login whether or not it has passed the second factor
     * yet, and a verified marker made afterwards does not make the older login current again. Replaced when another
     * user is seen in the session; set anew only where the filter revoked the account's sessions itself for this
     * login right after checking it (a confirmed secret, a disable, the lock its own wrong code set). Never the
     * password or the session id.
     */
    static final String LOGIN_SEEN = "dev.totpguard.filter.login-seen";
    /**
     * {@link GraceSignIn}: the login (user, session id) whose password sign-in the enrollment grace has counted, so a
     * login is counted once however many pages it opens, and a new login (a new session id: Jetty and Tomcat give one
     * at every login) is counted again.
     */
    static final String GRACE_SIGN_IN = "dev.totpguard.filter.grace-sign-in";

    private SessionState() {
    }

    /**
     * The verified marker: {user, verifiedAt, session id}. The time is kept as epoch milliseconds so the hot
     * path can check the maximum age without creating objects.
     *
     * <p>The session id binds the marker to the one login that proved the code. Jetty and Tomcat give a
     * session a new id at every login (FORM, {@code request.login()}; the session fixation defence), and the
     * filter itself gives it a new id when it sets this marker; so a later login in the same session (after a
     * {@code request.logout()} that did not invalidate it) meets a marker recorded under another id and is
     * asked for the code again. The id is part of the session's replicated state, so the binding holds on
     * every node, unlike the {@code Principal} object (not serializable in general, re-created per request by
     * some logins and shared between logins by Jetty's {@code HashLoginService}). An application that changes
     * the session id by itself after the code ends the verification too: fail closed, one more code.
     * A marker without an id (written by an older version) is never honoured.
     */
    static final class Verified implements Serializable {
        // Unchanged on purpose: a marker written by an older version still loads (sessionId null, not honoured)
        // instead of making the whole session unreadable.
        private static final long serialVersionUID = 1L;

        private final String user;
        private final long verifiedAtMillis;
        private final String sessionId;
        /**
         * The account's {@code TwoFactorService.sessionsValidAfter} when the code was accepted: a later revocation
         * (reset, disable, lock, new secret, password change) raises the stored value above it. A marker of an older
         * version loads with 0 and ends at the account's first revocation.
         */
        private final long sessionsValidAfter;
        /**
         * Whether a trusted browser stood in for the code ("remember this browser"): such a marker never satisfies a
         * step-up path, and never counts as a code given on the settings page. A marker of an older version loads with
         * {@code false}: it was verified by a code.
         */
        private final boolean byTrustedBrowser;
        /**
         * The {@code TrustedBrowser.id()} of the trusted browser that stood in for the code, or {@code null}: this
         * session lives while that browser does ({@code TwoFactorService.isTrustedBrowserCurrent}), so forgetting it
         * ends this session on every node. {@code null} for a code, for the session whose own request forgot browsers
         * ({@link #underRevocation}), and in a marker of an older version (which "forget all" still ends).
         */
        private final String trustedBrowserId;

        Verified(String user, Instant verifiedAt, String sessionId, long sessionsValidAfter) {
            this(user, verifiedAt, sessionId, sessionsValidAfter, false, null);
        }

        /** @param trustedBrowserId the trusted browser that stood in for the code, or {@code null} for a code */
        Verified(String user, Instant verifiedAt, String sessionId, long sessionsValidAfter, String trustedBrowserId) {
            this(user, verifiedAt, sessionId, sessionsValidAfter, trustedBrowserId != null, trustedBrowserId);
        }

        private Verified(String user, Instant verifiedAt, String sessionId, long sessionsValidAfter, boolean byTrustedBrowser,
                String trustedBrowserId) {
            this.user = Objects.requireNonNull(user, "user");
            this.verifiedAtMillis = verifiedAt.toEpochMilli();
            this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
            this.sessionsValidAfter = sessionsValidAfter;
            this.byTrustedBrowser = byTrustedBrowser;
            this.trustedBrowserId = trustedBrowserId;
        }

        /**
         * The same verification (user, instant, session, how) under the account's new session revocation: for the
         * session whose own request revoked the others or forgot trusted browsers, where no code was given again. It is
         * tied to no trusted browser any more, so forgetting its own does not end it; it still opens no step-up path.
         */
        Verified underRevocation(long newSessionsValidAfter) {
            return new Verified(user, verifiedAt(), sessionId, newSessionsValidAfter, byTrustedBrowser, null);
        }

        boolean byTrustedBrowser() {
            return byTrustedBrowser;
        }

        /** The trusted browser this session lives by, or {@code null}. */
        String trustedBrowserId() {
            return trustedBrowserId;
        }

        String user() {
            return user;
        }

        long verifiedAtMillis() {
            return verifiedAtMillis;
        }

        long sessionsValidAfter() {
            return sessionsValidAfter;
        }

        Instant verifiedAt() {
            return Instant.ofEpochMilli(verifiedAtMillis);
        }

        /**
         * Whether this marker belongs to {@code user}'s login in the session whose id is now {@code sessionId}.
         * Allocates nothing: it runs on every verified request.
         */
        boolean belongsTo(String user, String sessionId) {
            return this.user.equals(user) && this.sessionId != null && this.sessionId.equals(sessionId);
        }

        @Override
        public String toString() {
            // Never the session id: it is a bearer credential (OWASP Logging: no session ids in logs).
            return "Verified[" + user + " at " + verifiedAt() + (byTrustedBrowser ? " by a trusted browser" : "") + "]";
        }
    }

    /**
     * A user name and a moment: when a half-authenticated state began, until when a grant lasts, or the account's
     * session revocation when a login was first seen.
     */
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

    /**
     * Who is between the password and the code, for the filter's own pages only. A container checks a BASIC, DIGEST
     * or client-certificate login only inside its security constraints: when the filter's pages lie outside them
     * (the stock Tomcat {@code manager} constrains {@code /html/*}, not {@code /totpguard/*}), a request there has no
     * signed-in user, and without this the user would be sent to sign in again, for ever. The filter records the
     * user it saw signed in on a protected path, with the session id of that moment (never a password); its pages
     * take the user from here only when the container names nobody and the session still has that id. The gate drops
     * it when a protected path shows another user or none, the code (a new session id) and signing out end it, and
     * the half-authenticated timeout bounds it. It never opens a protected path: those always ask the container.
     */
    static final class RepeatedLogin implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String user;
        private final String sessionId;

        RepeatedLogin(String user, String sessionId) {
            this.user = Objects.requireNonNull(user, "user");
            this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        }

        String user() {
            return user;
        }

        /** Whether this record was made in the session whose id is now {@code sessionId}. */
        boolean belongsTo(String sessionId) {
            return this.sessionId.equals(sessionId);
        }

        @Override
        public String toString() {
            // Never the session id: it is a bearer credential.
            return "RepeatedLogin[" + user + "]";
        }
    }

    /** A login whose sign-in the enrollment grace counted: the user and the session id of that login. */
    static final class GraceSignIn implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String user;
        private final String sessionId;

        GraceSignIn(String user, String sessionId) {
            this.user = Objects.requireNonNull(user, "user");
            this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        }

        /** Whether this is {@code user}'s login in the session whose id is now {@code sessionId}. */
        boolean belongsTo(String user, String sessionId) {
            return this.user.equals(user) && this.sessionId.equals(sessionId);
        }

        @Override
        public String toString() {
            // Never the session id: it is a bearer credential.
            return "GraceSignIn[" + user + "]";
        }
    }
}
