package dev.totpguard.benchmarks.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what each result is compared with, so that ratios read "times TOTP Guard":
 *
 * <ul>
 *   <li>in a class with a {@code totpGuard} method, every method is compared with it at the same params and
 *       thread count (the other libraries side by side with TOTP Guard);
 *   <li>in a class with a {@code withoutFilter} method, every method is compared with that (the cost that
 *       the filter adds to a request);
 *   <li>a class without either but with a {@code totpCase} param (the HMAC baselines) is compared with
 *       TOTP Guard's verify of the same case for a non-matching code, the case that computes every step;
 *   <li>anything else has no reference and is shown as an absolute time only.
 * </ul>
 */
public final class References {

    /** Methods that are the 1.0 of their class. */
    static final Set<String> REFERENCE_METHODS = Set.of("totpGuard", "withoutFilter");

    private static final String TOTP_CASE = "totpCase";
    private static final String CODE_CASE = "codeCase";
    private static final String WORST_CASE = "NON_MATCHING";

    private final List<BenchmarkResult> results;

    public References(List<BenchmarkResult> results) {
        this.results = List.copyOf(results);
    }

    /** The result this one is compared with; the reference row itself maps to itself. */
    public Optional<BenchmarkResult> referenceOf(BenchmarkResult result) {
        boolean classHasReference = results.stream().anyMatch(r -> r.className().equals(result.className())
                && REFERENCE_METHODS.contains(r.method()));
        if (classHasReference) {
            return results.stream()
                    .filter(r -> r.className().equals(result.className()) && REFERENCE_METHODS.contains(r.method())
                            && r.params().equals(result.params()) && r.threads() == result.threads())
                    .findFirst();
        }
        String totpCase = result.params().get(TOTP_CASE);
        if (totpCase == null) {
            return Optional.empty();
        }
        return results.stream()
                .filter(r -> r.method().equals("totpGuard") && r.threads() == result.threads()
                        && totpCase.equals(r.params().get(TOTP_CASE))
                        && WORST_CASE.equals(r.params().get(CODE_CASE))
                        && sharedParamsAgree(r.params(), result.params()))
                .findFirst();
    }

    /** The time of {@code result} divided by its reference's time (> 1: slower than the reference). */
    public Optional<Double> ratioOf(BenchmarkResult result) {
        return referenceOf(result).map(reference -> result.nanosPerOp() / reference.nanosPerOp());
    }

    /** A short name of the reference, e.g. {@code "totpGuard NON_MATCHING"}. */
    public Optional<String> describeReference(BenchmarkResult result) {
        return referenceOf(result).map(reference -> reference.className().equals(result.className())
                ? reference.method()
                : reference.className() + "." + reference.method() + " " + reference.variant());
    }

    private static boolean sharedParamsAgree(Map<String, String> a, Map<String, String> b) {
        for (Map.Entry<String, String> entry : a.entrySet()) {
            String other = b.get(entry.getKey());
            if (other != null && !other.equals(entry.getValue())) {
                return false;
            }
        }
        return true;
    }
}
