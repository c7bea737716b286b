package dev.totpguard;

import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.InMemoryCredentialStore;

/** {@link EnrollmentGraceContract} on the in-memory store (a restart keeps the same store object). */
class InMemoryEnrollmentGraceTest extends EnrollmentGraceContract {

    private final InMemoryCredentialStore store = new InMemoryCredentialStore();

    @Override
    CredentialStore store() {
        return store;
    }
}
