package dev.totpguard;

import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.InMemoryCredentialStore;

/** {@link AuthenticatorsContract} on the in-memory store. */
class InMemoryAuthenticatorsTest extends AuthenticatorsContract {

    private final InMemoryCredentialStore store = new InMemoryCredentialStore();

    @Override
    CredentialStore store() {
        return store;
    }
}
