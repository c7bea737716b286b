package dev.totpguard;

import java.util.List;
import java.util.Objects;

/**
 * The result of confirming an enrollment: the verification outcome and, only when it was accepted, the fresh
 * recovery codes to show the user once. Immutable; {@link #toString()} never shows the codes.
 *
 * @param verification ACCEPTED, INVALID, REPLAYED, LOCKED, NOT_ENROLLED (no pending enrollment), STORE_UNAVAILABLE or
 *     ACCOUNT_ALIAS; an accepted one is the service's proof for the user
 * @param recoveryCodes the new recovery codes when accepted (show them once, then forget them); empty otherwise
 */
public record EnrollmentResult(Verification verification, List<String> recoveryCodes) {

    /**
     * @throws IllegalArgumentException unless an accepted verification comes with recovery codes and a refused one
     *     without
     */
    public EnrollmentResult {
        Objects.requireNonNull(verification, "verification");
        recoveryCodes = List.copyOf(recoveryCodes);
        if (verification.isAccepted() == recoveryCodes.isEmpty()) {
            throw new IllegalArgumentException(verification.isAccepted()
                    ? "An accepted enrollment comes with recovery codes" : "Recovery codes come only with an accepted enrollment");
        }
    }

    /** An accepted confirmation with its recovery codes. */
    static EnrollmentResult accepted(Verification verification, List<String> recoveryCodes) {
        return new EnrollmentResult(verification, recoveryCodes);
    }

    /** A refused confirmation: no codes. */
    static EnrollmentResult refused(Verification verification) {
        return new EnrollmentResult(verification, List.of());
    }

    public boolean isAccepted() {
        return verification.isAccepted();
    }

    @Override
    public String toString() {
        return "EnrollmentResult[" + verification + (recoveryCodes.isEmpty() ? "" : ", " + recoveryCodes.size() + " recovery codes") + "]";
    }
}
