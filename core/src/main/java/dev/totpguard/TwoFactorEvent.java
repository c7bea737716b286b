package dev.totpguard;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One audited second-factor event: what happened, to which user, by whom (for administrative actions), from
 * which client address and when, with an optional detail such as the refusal reason.
 *
 * <p>Never carries a secret, a code, a recovery code or a password. Immutable.
 *
 * @param user the user the event is about
 * @param actor who did it, when that is not the user (an administrator)
 * @param detail a short reason or fact, e.g. "invalid code" or "locked until 2024-01-01T00:01:00Z"; never a secret
 */
public record TwoFactorEvent(Type type, String user, Optional<String> actor, Optional<String> clientAddress, Instant time,
        Optional<String> detail) {

    /** What happened. */
    public enum Type {
        /** A new (pending) enrollment was started. */
        ENROLLMENT_STARTED,
        /** An enrollment was confirmed with a correct code and is now active. */
        ENROLLMENT_CONFIRMED,
        /** A code confirming an enrollment was refused (detail: the reason). */
        ENROLLMENT_REFUSED,
        /** A login code was accepted. */
        CODE_ACCEPTED,
        /** A login code was refused (detail: invalid, not enrolled, locked, address limit). */
        CODE_REFUSED,
        /** A correct but already used code was refused. */
        REPLAY_REFUSED,
        /** Too many failures: the second factor is now locked (detail: until when). */
        LOCKED_OUT,
        /** A recovery code was used to log in (detail: how many remain). */
        RECOVERY_CODE_USED,
        /** A recovery code was refused (detail: the reason). */
        RECOVERY_CODE_REFUSED,
        /** New recovery codes replaced the old ones. */
        RECOVERY_CODES_REGENERATED,
        /** The user turned their own second factor off. */
        DISABLED,
        /** An administrator removed the user's second factor (actor: who). */
        RESET,
        /** An administrator cleared the user's lock (actor: who). */
        UNLOCKED,
        /**
         * Every session of the user that passed the second factor was ended (detail: why — reset, disabled, locked,
         * new secret, revoked; actor: who, for a reset).
         */
        SESSIONS_REVOKED,
        /** The user's secrets were re-encrypted with the current key. */
        SECRET_RESEALED,
        /** After a correct code the user chose to trust this browser (detail: its label). */
        BROWSER_TRUSTED,
        /** A trusted browser skipped the code of a password login (detail: its label). */
        TRUSTED_BROWSER_USED,
        /** Trusted browsers were revoked (detail: which, or how many; actor: who, when not the user). */
        TRUSTED_BROWSERS_REVOKED,
        /** A further authenticator was confirmed and now signs in too (detail: its label). */
        AUTHENTICATOR_ADDED,
        /** One of several authenticators was removed (detail: its label; actor: who, when not the user). */
        AUTHENTICATOR_REMOVED,
        /**
         * A password (the first factor, checked through {@link TwoFactorService#passwordAttempt}) was refused (detail:
         * wrong password, locked, too many attempts for the account or the address, busy). The user is the name as typed.
         */
        PASSWORD_REFUSED,
        /** The credential store failed; the request was refused (detail: the operation). */
        STORE_UNAVAILABLE
    }

    public TwoFactorEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * How many unused recovery codes the user has left, for a {@link Type#RECOVERY_CODE_USED} event (empty for
     * every other type): what a notification to the user says.
     */
    public OptionalInt remainingRecoveryCodes() {
        if (type != Type.RECOVERY_CODE_USED || detail.isEmpty() || !detail.get().endsWith(REMAINING_SUFFIX)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(detail.get().substring(0, detail.get().length() - REMAINING_SUFFIX.length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Until when the second factor is locked, for a {@link Type#LOCKED_OUT} event (empty for every other type). */
    public Optional<Instant> lockedUntil() {
        if (type != Type.LOCKED_OUT || detail.isEmpty() || !detail.get().startsWith(LOCKED_UNTIL_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(detail.get().substring(LOCKED_UNTIL_PREFIX.length())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    // The details the two accessors above read back: written only through these, so the format lives in one place.
    private static final String REMAINING_SUFFIX = " remaining";
    private static final String LOCKED_UNTIL_PREFIX = "locked until ";

    /** The detail of a {@link Type#RECOVERY_CODE_USED} event. */
    static String remainingDetail(long remaining) {
        return remaining + REMAINING_SUFFIX;
    }

    /** The detail of a {@link Type#LOCKED_OUT} event. */
    static String lockedUntilDetail(Instant until) {
        return LOCKED_UNTIL_PREFIX + until;
    }

    static Builder builder(Type type, String user, Instant time) {
        return new Builder(type, user, time);
    }

    @Override
    public String toString() {
        return "TwoFactorEvent[" + type + ", user " + user + actor.map(by -> ", by " + by).orElse("")
                + clientAddress.map(from -> ", from " + from).orElse("") + ", " + time + detail.map(d -> ", " + d).orElse("") + "]";
    }

    /** Builds a {@link TwoFactorEvent}. */
    static final class Builder {
        private final Type type;
        private final String user;
        private final Instant time;
        private String actor;
        private String clientAddress;
        private String detail;

        private Builder(Type type, String user, Instant time) {
            this.type = Objects.requireNonNull(type, "type");
            this.user = Objects.requireNonNull(user, "user");
            this.time = Objects.requireNonNull(time, "time");
        }

        Builder actor(String actor) {
            this.actor = actor;
            return this;
        }

        Builder clientAddress(String clientAddress) {
            this.clientAddress = clientAddress;
            return this;
        }

        Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        TwoFactorEvent build() {
            return new TwoFactorEvent(type, user, Optional.ofNullable(actor), Optional.ofNullable(clientAddress), time,
                    Optional.ofNullable(detail));
        }
    }
}
