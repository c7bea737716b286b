package dev.totpguard.benchmarks;

/**
 * Which code a verify benchmark submits: the code of the current step (a normal login) or a code that
 * matches no step of the window (a typo or a guess, the worst case: every step must be computed).
 */
public enum CodeCase {
    MATCHING,
    NON_MATCHING
}
