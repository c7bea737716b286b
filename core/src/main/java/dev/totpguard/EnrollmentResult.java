package dev.totpguard;

import java.util.List;
import java.util.Objects;

/**
 * The result of confirming an enrollment: the verification outcome and, only when it was accepted, the fresh
 * recovery codes to show the user once. Immutable; {@link #toString()} never shows the codes.
 */
public final class EnrollmentResult {

    private final Verification verification;
    private final List<String> recoveryCodes;

    private EnrollmentResult(Verification verification, List<String> recoveryCodes) {
        this.verification = verification;
        this.recoveryCodes = recoveryCodes;
    }

    /** An accepted confirmation with its recovery codes; {@code verification} is the service's proof. */
    static EnrollmentResult accepted(Verification verification, List<String> recoveryCodes) {
        Objects.requireNonNull(recoveryCodes, "recoveryCodes");
        if (recoveryCodes.isEmpty()) {
            throw new IllegalArgumentException("An accepted enrollment comes with recovery codes");
        }
        if (!verification.isAccepted()) {
            throw new IllegalArgumentException("Recovery codes come only with an accepted enrollment");
        }
        return new EnrollmentResult(verification, List.copyOf(recoveryCodes));
    }

    /** A refused confirmation: no codes. */
    static EnrollmentResult refused(Verification verification) {
        Objects.requireNonNull(verification, "verification");
        if (verification.isAccepted()) {
            throw new IllegalArgumentException("An accepted enrollment comes with recovery codes");
        }
        return new EnrollmentResult(verification, List.of());
    }

    /** ACCEPTED, INVALID, REPLAYED, LOCKED, NOT_ENROLLED (no pending enrollment), STORE_UNAVAILABLE or ACCOUNT_ALIAS. */
    public Verification verification() {
        return verification;
    }

    public boolean isAccepted() {
        return verification.isAccepted();
    }

    /** The new recovery codes when accepted (show them once, then forget them); empty otherwise. */
    public List<String> recoveryCodes() {
        return recoveryCodes;
    }

    @Override
    public String toString() {
        return "EnrollmentResult[" + verification + (recoveryCodes.isEmpty() ? "" : ", " + recoveryCodes.size() + " recovery codes") + "]";
    }
}
