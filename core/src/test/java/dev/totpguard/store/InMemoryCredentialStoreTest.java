package dev.totpguard.store;

class InMemoryCredentialStoreTest extends CredentialStoreContractTest {

    private final InMemoryCredentialStore store = new InMemoryCredentialStore();

    @Override
    CredentialStore store() {
        return store;
    }

    @Override
    CredentialStore otherNode() {
        return store;
    }
}
