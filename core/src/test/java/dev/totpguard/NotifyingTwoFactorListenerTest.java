package dev.totpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.crypto.KeyRing;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.CredentialStore;
import dev.totpguard.store.InMemoryCredentialStore;
import dev.totpguard.store.StoreException;
import dev.totpguard.testkit.MutableClock;
import dev.totpguard.testkit.RecordingLogger;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The notification dispatch on a real service and store: one notification per change with its facts, handed over
 * only after the store holds the change, never on the caller's thread; a slow notifier blocks nothing and a full
 * queue drops and counts; a failing one is counted and logged without secrets.
 */
class NotifyingTwoFactorListenerTest {

    static final Instant START = Instant.parse("2024-03-01T10:00:05Z");
    static final String ADDRESS = "192.0.2.10";
    static final Duration WAIT = Duration.ofSeconds(20);

    final MutableClock clock = new MutableClock(START);
    final InMemoryCredentialStore store = new InMemoryCredentialStore();
    final KeyRing keyRing = KeyRing.generate(new SecureRandom());
    final RecordingListener audit = new RecordingListener();
    final List<NotifyingTwoFactorListener> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeListeners() {
        opened.forEach(NotifyingTwoFactorListener::close);
    }

    NotifyingTwoFactorListener listener(Notifier notifier, int capacity) {
        NotifyingTwoFactorListener listener = NotifyingTwoFactorListener.builder(notifier).queueCapacity(capacity).build();
        opened.add(listener);
        return listener;
    }

    TwoFactorService service(CredentialStore on, TwoFactorListener listener) {
        return TwoFactorService.builder().store(on).keyRing(keyRing).clock(clock).listener(audit.andThen(listener))
                .recoveryCodeIterations(1000).build();
    }

    static String code(Enrollment enrollment, Instant at) {
        Totp totp = Totp.builder().parameters(enrollment.otpAuthUri().parameters()).build();
        return totp.generate(enrollment.otpAuthUri().secret().bytes(), at);
    }

    /** Enrolls {@code user}; returns the recovery codes and leaves the clock one step on. */
    List<String> enroll(TwoFactorService service, String user) throws Exception {
        Enrollment enrollment = service.startEnrollment(user);
        EnrollmentResult result = service.confirmEnrollment(user, enrollment.nonce(), code(enrollment, clock.instant()), ADDRESS);
        assertTrue(result.isAccepted());
        clock.advance(Duration.ofSeconds(30));
        return result.recoveryCodes();
    }

    @Test
    void everyChangeNotifiesOnceWithItsFactsAndNothingElseNotifies() throws Exception {
        LinkedBlockingQueue<Notification> delivered = new LinkedBlockingQueue<>();
        Thread caller = Thread.currentThread();
        List<Thread> senders = new CopyOnWriteArrayList<>();
        NotifyingTwoFactorListener notifying = listener(notification -> {
            senders.add(Thread.currentThread());
            delivered.add(notification);
        }, 100);
        TwoFactorService service = service(store, notifying);

        Enrollment pending = service.startEnrollment("alice");
        assertFalse(service.confirmEnrollment("alice", pending.nonce(), "wrong!", ADDRESS).isAccepted());
        List<String> codes = enroll(service, "alice");
        assertEquals(Notification.Kind.ENROLLED, next(delivered).kind());

        assertTrue(service.useRecoveryCode("alice", codes.get(3), ADDRESS).isAccepted());
        Notification recovery = next(delivered);
        assertEquals(Notification.Kind.RECOVERY_CODE_USED, recovery.kind());
        assertEquals(OptionalInt.of(9), recovery.remainingRecoveryCodes());
        assertEquals(Optional.of(ADDRESS), recovery.clientAddress());

        service.regenerateRecoveryCodes("alice");
        assertEquals(Notification.Kind.RECOVERY_CODES_REGENERATED, next(delivered).kind());

        Verification refused;
        do {
            refused = service.verify("alice", "12345", ADDRESS);
        } while (refused.outcome() == Verification.Outcome.INVALID);
        Notification locked = next(delivered);
        assertEquals(Notification.Kind.LOCKED, locked.kind());
        assertTrue(locked.lockedUntil().orElseThrow().isAfter(clock.instant()), locked.toString());

        service.reset("alice", "root");
        Notification reset = next(delivered);
        assertEquals(Notification.Kind.RESET, reset.kind());
        assertEquals(Optional.of("root"), reset.actor());

        enroll(service, "alice");
        assertEquals(Notification.Kind.ENROLLED, next(delivered).kind());
        service.disable("alice");
        Notification disabled = next(delivered);
        assertEquals(Notification.Kind.DISABLED, disabled.kind());
        assertEquals("alice", disabled.user());

        notifying.close();
        assertTrue(delivered.isEmpty(), "one notification per change, none for codes, starts or refusals: " + delivered);
        assertEquals(7, notifying.sent());
        assertEquals(0, notifying.failed() + notifying.dropped());
        assertFalse(senders.contains(caller), "delivered on the listener's own thread, never on the caller's");
        assertTrue(audit.count(TwoFactorEvent.Type.CODE_REFUSED) >= 5, "the audit listener before it heard everything: " + audit.types());
    }

    /**
     * A message of the application's own (the example's "your e-mail address was changed") goes out like a
     * notification: off the caller's thread, after what was queued before it, counted; one that throws is counted
     * and logged by the name it was given, never with its user's control characters.
     */
    @Test
    void anApplicationsOwnMessageGoesOutInOrderOffTheCallersThreadAndIsCounted() throws Exception {
        LinkedBlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        Thread caller = Thread.currentThread();
        List<Thread> senders = new CopyOnWriteArrayList<>();
        RecordingLogger log = new RecordingLogger();
        NotifyingTwoFactorListener notifying = NotifyingTwoFactorListener.builder(notification -> delivered.add(notification.kind().name()))
                .logger(log).build();
        opened.add(notifying);
        TwoFactorService service = service(store, notifying);
        enroll(service, "frank");
        notifying.queue("EMAIL_CHANGED", "frank", () -> {
            senders.add(Thread.currentThread());
            delivered.add("EMAIL_CHANGED");
        });
        notifying.queue("EMAIL_CHANGED", "fr\nank", () -> {
            throw new IllegalStateException("no mail server");
        });
        notifying.close();

        assertEquals(List.of("ENROLLED", "EMAIL_CHANGED"), List.copyOf(delivered));
        assertFalse(senders.contains(caller), "sent on the listener's own thread");
        assertEquals(2, notifying.sent());
        assertEquals(1, notifying.failed());
        assertEquals(List.of("WARNING Notification EMAIL_CHANGED for user \"fr?ank\" failed: java.lang.IllegalStateException: no mail server"),
                log.lines());
    }

    @Test
    void theNotifierRunsOnlyOnceTheStoreHoldsTheChange() throws Exception {
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        List<String> atHandOver = new CopyOnWriteArrayList<>();
        TwoFactorService[] service = new TwoFactorService[1];
        NotifyingTwoFactorListener notifying = listener(notification -> seen.add(notification.kind() + " "
                + service[0].status(notification.user()).state()), 10);
        // What the store holds at the moment the event reaches the listener, on the caller's thread: the event must come
        // after the write, or the notification could tell of a change the store then refused.
        TwoFactorListener handOver = event -> {
            if (Notification.of(event, Optional.empty()).isPresent()) {
                try {
                    atHandOver.add(event.type() + " " + service[0].status(event.user()).state());
                } catch (StoreException e) {
                    throw new AssertionError(e);
                }
            }
            notifying.onEvent(event);
        };
        service[0] = service(store, handOver);

        enroll(service[0], "bob");
        assertEquals("ENROLLED ACTIVE", seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        service[0].disable("bob");
        assertEquals("DISABLED NONE", seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("ENROLLMENT_CONFIRMED ACTIVE", "DISABLED NONE"), atHandOver);
    }

    @Test
    void aChangeTheStoreRefusedNotifiesNothing() throws Exception {
        LinkedBlockingQueue<Notification> delivered = new LinkedBlockingQueue<>();
        NotifyingTwoFactorListener notifying = listener(delivered::add, 10);
        TwoFactorService service = service(failingDeletes(store), notifying);
        enroll(service, "carol");
        assertEquals(Notification.Kind.ENROLLED, next(delivered).kind());

        assertThrows(StoreException.class, () -> service.disable("carol"));
        assertThrows(StoreException.class, () -> service.reset("carol", "root"));
        Enrollment pending = service.startEnrollment("dave");
        assertFalse(service.confirmEnrollment("dave", pending.nonce(), "wrong!", ADDRESS).isAccepted());

        notifying.close();
        assertTrue(delivered.isEmpty(), "nothing stored, nothing told: " + delivered);
        assertEquals(TwoFactorStatus.State.ACTIVE, service.status("carol").state());
    }

    @Test
    @Timeout(60)
    void aSlowNotifierBlocksNoLoginAndAFullQueueDropsAndCounts() throws Exception {
        CountDownLatch mailServerAnswers = new CountDownLatch(1);
        LinkedBlockingQueue<Notification> delivered = new LinkedBlockingQueue<>();
        Thread caller = Thread.currentThread();
        List<Notification> onTheCallersThread = new CopyOnWriteArrayList<>();
        NotifyingTwoFactorListener notifying = listener(notification -> {
            if (Thread.currentThread() == caller) {
                // Delivered inside the login or the change: noted (and not blocked on, so the test ends and says so).
                onTheCallersThread.add(notification);
                return;
            }
            mailServerAnswers.await();
            delivered.add(notification);
        }, 2);
        TwoFactorService service = service(store, notifying);
        Enrollment enrollment = service.startEnrollment("erin");
        assertTrue(service.confirmEnrollment("erin", enrollment.nonce(), code(enrollment, clock.instant()), ADDRESS).isAccepted());
        // The notifier now hangs on the first notification: two more wait in the queue, the rest find it full.
        for (int i = 0; i < 5; i++) {
            service.regenerateRecoveryCodes("erin");
        }
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Verification.Outcome.ACCEPTED, service.verify("erin", code(enrollment, clock.instant()), ADDRESS).outcome(),
                "a login while the mail server hangs");
        assertEquals(List.of(), onTheCallersThread, "nothing is sent on the caller's thread");
        assertEquals(2, notifying.queued());
        assertEquals(3, notifying.dropped(), "1 in the notifier, 2 queued, 3 dropped");

        mailServerAnswers.countDown();
        notifying.close();
        assertEquals(3, notifying.sent());
        assertEquals(3, delivered.size());
        assertEquals(0, notifying.failed());
    }

    @Test
    void aFailingNotifierIsCountedAndLoggedWithoutSecretsOrForgedLines() throws Exception {
        RecordingLogger log = new RecordingLogger();
        NotifyingTwoFactorListener notifying = NotifyingTwoFactorListener.builder(notification -> {
            throw new IOException("535 5.7.8 rejected\r\nForged: line");
        }).logger(log).build();
        opened.add(notifying);
        TwoFactorService service = service(store, notifying);
        Enrollment enrollment = service.startEnrollment("frank");
        EnrollmentResult result = service.confirmEnrollment("frank", enrollment.nonce(), code(enrollment, clock.instant()), ADDRESS);
        assertTrue(result.isAccepted(), "the change stands whatever the notifier does");

        notifying.close();
        assertEquals(1, notifying.failed());
        assertEquals(0, notifying.sent());
        assertEquals(1, log.lines().size(), log.lines().toString());
        String line = log.lines().get(0);
        assertTrue(line.contains("ENROLLED") && line.contains("frank") && line.contains("java.io.IOException"), line);
        assertFalse(line.contains("\r") || line.contains("\n"), line);
        assertFalse(line.contains(enrollment.otpAuthUri().secret().toBase32()), line);
        result.recoveryCodes().forEach(recoveryCode -> assertFalse(line.contains(recoveryCode), line));
    }

    @Test
    void aTrustedBrowserIsNotifiedWhenAddedNotWhenUsed() {
        TwoFactorEvent trusted = TwoFactorEvent.builder(TwoFactorEvent.Type.BROWSER_TRUSTED, "jan", START).build();
        TwoFactorEvent used = TwoFactorEvent.builder(TwoFactorEvent.Type.TRUSTED_BROWSER_USED, "jan", START).build();

        assertEquals(Notification.Kind.TRUSTED_BROWSER_ADDED, Notification.of(trusted, Optional.empty()).orElseThrow().kind());
        assertTrue(Notification.of(used, Optional.empty()).isEmpty());
    }

    @Test
    void aClosedListenerDropsAndCounts() {
        NotifyingTwoFactorListener notifying = listener(notification -> { }, 10);
        notifying.close();
        notifying.onEvent(TwoFactorEvent.builder(TwoFactorEvent.Type.DISABLED, "gina", START).build());
        assertEquals(1, notifying.dropped());
    }

    @Test
    void theLanguageIsAskedOnTheCallersThreadOnlyForChanges() {
        List<Thread> askedOn = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<Notification> delivered = new LinkedBlockingQueue<>();
        Supplier<Optional<Locale>> language = () -> {
            askedOn.add(Thread.currentThread());
            return Optional.of(Locale.GERMAN);
        };
        NotifyingTwoFactorListener notifying = NotifyingTwoFactorListener.builder(delivered::add).language(language).build();
        opened.add(notifying);
        notifying.onEvent(TwoFactorEvent.builder(TwoFactorEvent.Type.CODE_ACCEPTED, "hugo", START).build());
        notifying.onEvent(TwoFactorEvent.builder(TwoFactorEvent.Type.RECOVERY_CODES_REGENERATED, "hugo", START).build());
        notifying.close();

        assertEquals(List.of(Thread.currentThread()), askedOn);
        assertEquals(Optional.of(Locale.GERMAN), delivered.peek().language());
    }

    /** The page's language is added to the notification without losing the authenticator's label (it once did). */
    @Test
    void anAuthenticatorsLabelSurvivesThePagesLanguage() {
        LinkedBlockingQueue<Notification> delivered = new LinkedBlockingQueue<>();
        NotifyingTwoFactorListener notifying = NotifyingTwoFactorListener.builder(delivered::add)
                .language(() -> Optional.of(Locale.GERMAN)).build();
        opened.add(notifying);
        notifying.onEvent(TwoFactorEvent.builder(TwoFactorEvent.Type.AUTHENTICATOR_ADDED, "ida", START).detail("iPhone").build());
        notifying.close();

        Notification added = delivered.peek();
        assertEquals(Optional.of("iPhone"), added.authenticator(), String.valueOf(added));
        assertEquals(Optional.of(Locale.GERMAN), added.language());
    }

    @Test
    void andThenTellsTheSecondListenerEvenWhenTheFirstThrows() {
        RecordingListener second = new RecordingListener();
        TwoFactorListener failing = event -> {
            throw new IllegalStateException("audit down");
        };
        TwoFactorEvent event = TwoFactorEvent.builder(TwoFactorEvent.Type.DISABLED, "ida", START).build();
        assertThrows(IllegalStateException.class, () -> failing.andThen(second).onEvent(event));
        assertEquals(List.of(event), second.events());
    }

    private static Notification next(LinkedBlockingQueue<Notification> delivered) throws InterruptedException {
        Notification notification = delivered.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(notification != null, "a notification within " + WAIT);
        return notification;
    }

    /** The real store, whose deletes fail as a database that went away would: the second factor stays. */
    private static CredentialStore failingDeletes(CredentialStore store) {
        return (CredentialStore) Proxy.newProxyInstance(CredentialStore.class.getClassLoader(), new Class<?>[] {CredentialStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("delete")) {
                        throw new StoreException("connection refused");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
