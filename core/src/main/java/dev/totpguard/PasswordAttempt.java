package dev.totpguard;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One check of a password (the first factor), admitted or refused by {@link TwoFactorService#passwordAttempt} before
 * the caller spends a password hash on it. Use it in try-with-resources:
 * <pre>
 * try (PasswordAttempt attempt = service.passwordAttempt(typedName, clientAddress)) {
 *     if (!attempt.admitted()) {
 *         return refuse(attempt.admission());      // the same answer whatever password was typed
 *     }
 *     Optional&lt;Account&gt; account = passwords.verify(typedName, password);   // the expensive hash
 *     if (account.isPresent()) { attempt.passed(); } else { attempt.failed(); }
 * }
 * </pre>
 * An admitted attempt holds one of the service's {@linkplain TwoFactorPolicy#passwordConcurrency() hashing turns}
 * until {@link #close()}, so a flood of logins cannot make every login wait without bound. Every attempt, right or
 * wrong, was counted against the account name and the client address before it was admitted; a wrong one is also
 * counted as a failure of the account's second factor ({@link #failed()}), so that five wrong passwords lock the
 * account exactly as five wrong codes after the right password do, and a lock tells nothing about the password.
 *
 * <p>Not thread-safe: one login, one thread.
 */
public final class PasswordAttempt implements AutoCloseable {

    /** Whether the password may be checked now. */
    public enum Admission {
        /** Check the password, then call {@link #passed()} or {@link #failed()}. */
        ADMITTED,
        /**
         * Refused before any hashing, whatever the password: the account's second factor is locked, or the account
         * name or the client address has made too many password attempts. Show the same answer as for a locked code.
         */
        LOCKED,
        /** Too many passwords are being hashed; the wait for a turn ran out. Answer "busy, try again" (503/429). */
        BUSY,
        /** The credential store failed: refuse (fail closed). */
        STORE_UNAVAILABLE
    }

    private final TwoFactorService service;
    private final Admission admission;
    private final String user;
    private final String owner;
    private final String address;
    private final Instant at;
    private final Duration retryAfter;
    private boolean holdsTurn;
    private boolean settled;

    PasswordAttempt(TwoFactorService service, Admission admission, String user, String owner, String address, Instant at,
            Duration retryAfter) {
        this.service = Objects.requireNonNull(service, "service");
        this.admission = Objects.requireNonNull(admission, "admission");
        this.user = user;
        this.owner = owner;
        this.address = address;
        this.at = at;
        this.retryAfter = retryAfter;
        this.holdsTurn = admission == Admission.ADMITTED;
    }

    public Admission admission() {
        return admission;
    }

    public boolean admitted() {
        return admission == Admission.ADMITTED;
    }

    /** When a refused attempt may be worth repeating (for a {@code Retry-After} header); zero for an admitted one. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * The password was right. Nothing more is counted, and the attempt stays counted as every attempt does, so the
     * counts do not tell a right password from a wrong one; once the login is complete (or the caller shows the
     * password was right, as a password page followed by a code page does), call
     * {@link TwoFactorService#passwordLoginCompleted} to give the attempt back.
     */
    public void passed() {
        settle();
    }

    /**
     * The password was wrong (or the user unknown): audited as {@link TwoFactorEvent.Type#PASSWORD_REFUSED} and counted
     * as a failure of the account's second factor, if it has one, which may lock it ({@link TwoFactorEvent.Type#LOCKED_OUT}).
     * A store failure here is logged and audited; the password was wrong either way.
     */
    public void failed() {
        settle();
        service.passwordFailed(user, owner, address, at);
    }

    /** Gives the hashing turn back. Idempotent. */
    @Override
    public void close() {
        if (holdsTurn) {
            holdsTurn = false;
            service.releaseHashingTurn();
        }
    }

    private void settle() {
        if (!admitted()) {
            throw new IllegalStateException("This password attempt was not admitted (" + admission + "): refuse it");
        }
        if (settled) {
            throw new IllegalStateException("This password attempt was already settled");
        }
        settled = true;
    }

    @Override
    public String toString() {
        return "PasswordAttempt[" + admission + "]";
    }
}
