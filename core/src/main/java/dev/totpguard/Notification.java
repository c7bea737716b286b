package dev.totpguard;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A message to a user that their second factor changed, made from the audit {@link TwoFactorEvent} of that change
 * by {@link NotifyingTwoFactorListener} and delivered out of band by a {@link Notifier} (NIST SP 800-63B 6.1.2.1:
 * a user learns of every change to their authenticators, so one made by someone else does not go unnoticed).
 *
 * <p>Carries who, what, when and from where, never a secret, a code, a recovery code, a password or anything that
 * signs in. Immutable.
 *
 * @param user the user whose second factor changed: the recipient
 * @param actor the administrator who made the change, for {@link Kind#RESET}
 * @param clientAddress the client address the change came from, where known
 * @param remainingRecoveryCodes how many unused recovery codes are left, for {@link Kind#RECOVERY_CODE_USED}
 * @param lockedUntil until when codes are refused, for {@link Kind#LOCKED}
 * @param language the language of the page on which the change was made, where the application said
 *     ({@link NotifyingTwoFactorListener.Builder#language}); the recipient's language is the application's to know
 * @param authenticator the label of the authenticator added or removed, for {@link Kind#AUTHENTICATOR_ADDED} and
 *     {@link Kind#AUTHENTICATOR_REMOVED} (empty when it has none)
 */
public record Notification(Kind kind, String user, Optional<String> actor, Instant time, Optional<String> clientAddress,
        OptionalInt remainingRecoveryCodes, Optional<Instant> lockedUntil, Optional<Locale> language,
        Optional<String> authenticator) {

    /** What changed. */
    public enum Kind {
        /** A second factor was set up, or replaced by a new one (from {@link TwoFactorEvent.Type#ENROLLMENT_CONFIRMED}). */
        ENROLLED,
        /** The user turned their second factor off ({@link TwoFactorEvent.Type#DISABLED}). */
        DISABLED,
        /** An administrator, the {@link Notification#actor()}, removed the user's second factor ({@link TwoFactorEvent.Type#RESET}). */
        RESET,
        /** A recovery code was used to sign in ({@link TwoFactorEvent.Type#RECOVERY_CODE_USED}). */
        RECOVERY_CODE_USED,
        /** New recovery codes replaced the old ones ({@link TwoFactorEvent.Type#RECOVERY_CODES_REGENERATED}). */
        RECOVERY_CODES_REGENERATED,
        /** Too many wrong codes or passwords locked the second factor ({@link TwoFactorEvent.Type#LOCKED_OUT}). */
        LOCKED,
        /**
         * After a correct code, a browser was trusted to skip the code of later password logins
         * ({@link TwoFactorEvent.Type#BROWSER_TRUSTED}). Its use is not notified: that would be every login.
         */
        TRUSTED_BROWSER_ADDED,
        /** A further authenticator now signs in too ({@link TwoFactorEvent.Type#AUTHENTICATOR_ADDED}); its label in {@link Notification#authenticator()}. */
        AUTHENTICATOR_ADDED,
        /**
         * One of several authenticators was removed, by the user or by an administrator, the {@link Notification#actor()}
         * ({@link TwoFactorEvent.Type#AUTHENTICATOR_REMOVED}); its label in {@link Notification#authenticator()}.
         */
        AUTHENTICATOR_REMOVED
    }

    /** A notification about no particular authenticator: {@link #authenticator()} empty. */
    public Notification(Kind kind, String user, Optional<String> actor, Instant time, Optional<String> clientAddress,
            OptionalInt remainingRecoveryCodes, Optional<Instant> lockedUntil, Optional<Locale> language) {
        this(kind, user, actor, time, clientAddress, remainingRecoveryCodes, lockedUntil, language, Optional.empty());
    }

    public Notification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(remainingRecoveryCodes, "remainingRecoveryCodes");
        Objects.requireNonNull(lockedUntil, "lockedUntil");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(authenticator, "authenticator");
    }

    /**
     * The notification an audit event calls for: a change to the user's second factor. Empty for every other event
     * (codes accepted or refused, enrollments started, unlocks, store failures, ...): those change nothing the user
     * must hear about, or would tell an attacker which guesses counted.
     *
     * @param language the language of the page on which the change was made, or empty
     */
    public static Optional<Notification> of(TwoFactorEvent event, Optional<Locale> language) {
        Kind kind = switch (event.type()) {
            case ENROLLMENT_CONFIRMED -> Kind.ENROLLED;
            case DISABLED -> Kind.DISABLED;
            case RESET -> Kind.RESET;
            case RECOVERY_CODE_USED -> Kind.RECOVERY_CODE_USED;
            case RECOVERY_CODES_REGENERATED -> Kind.RECOVERY_CODES_REGENERATED;
            case LOCKED_OUT -> Kind.LOCKED;
            case BROWSER_TRUSTED -> Kind.TRUSTED_BROWSER_ADDED;
            case AUTHENTICATOR_ADDED -> Kind.AUTHENTICATOR_ADDED;
            case AUTHENTICATOR_REMOVED -> Kind.AUTHENTICATOR_REMOVED;
            default -> null;
        };
        if (kind == null) {
            return Optional.empty();
        }
        Optional<String> authenticator = kind == Kind.AUTHENTICATOR_ADDED || kind == Kind.AUTHENTICATOR_REMOVED
                ? event.detail().filter(label -> !label.isEmpty()) : Optional.empty();
        return Optional.of(new Notification(kind, event.user(), event.actor(), event.time(), event.clientAddress(),
                event.remainingRecoveryCodes(), event.lockedUntil(), language, authenticator));
    }

    /** This notification in {@code language}, the language of the page on which the change was made (or empty). */
    public Notification withLanguage(Optional<Locale> language) {
        return new Notification(kind, user, actor, time, clientAddress, remainingRecoveryCodes, lockedUntil, language,
                authenticator);
    }

    @Override
    public String toString() {
        return "Notification[" + kind + ", user " + user + actor.map(by -> ", by " + by).orElse("") + ", " + time + "]";
    }
}
