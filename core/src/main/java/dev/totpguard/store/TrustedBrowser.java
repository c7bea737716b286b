package dev.totpguard.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A browser that a user marked "trusted" after a correct code ({@code TwoFactorService.trustBrowser}): for a limited
 * time it skips the code of a login, never the password. What the browser holds is a random token in a cookie; the
 * store keeps only that token's SHA-256 (passed beside this record, never part of it), so a copy of the table signs
 * nobody in.
 *
 * @param id random public id of this entry, for listing and revoking it one by one (never the token or its hash)
 * @param accountKey the account's {@link AccountKey}: the entry works for that account only
 * @param generation the credential's {@code StoredCredential#generation()} when the browser was trusted: a new
 *     secret (re-enrollment) makes the entry worthless even if it were not deleted
 * @param label what the user sees: browser and system from the User-Agent, bounded and without control characters
 * @param createdAt when the browser was trusted
 * @param expiresAt after this instant the entry is ignored and purged
 */
public record TrustedBrowser(String id, String accountKey, long generation, String label, Instant createdAt, Instant expiresAt) {

    /** Longest label kept. */
    public static final int MAX_LABEL_LENGTH = 100;
    /** Longest id accepted. */
    public static final int MAX_ID_LENGTH = 32;

    public TrustedBrowser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accountKey, "accountKey");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("A trusted browser's id has 1 to " + MAX_ID_LENGTH + " characters");
        }
        if (label.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("A trusted browser's label has at most " + MAX_LABEL_LENGTH + " characters");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("A trusted browser expires after it was trusted");
        }
    }

    /** Whether the entry still counts at {@code now}. */
    public boolean isValidAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
