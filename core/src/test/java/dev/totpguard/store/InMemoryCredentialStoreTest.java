package dev.totpguard.store;

class InMemoryCredentialStoreTest extends CredentialStoreContractTest {

    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    private final InMemoryAttemptCounters counters = new InMemoryAttemptCounters();

    @Override
    CredentialStore store() {
        return store;
    }

    @Override
    CredentialStore otherNode() {
        return store;
    }

    @Override
    AttemptCounters counters() {
        return counters;
    }

    @Override
    AttemptCounters otherNodeCounters() {
        return counters;
    }
}
