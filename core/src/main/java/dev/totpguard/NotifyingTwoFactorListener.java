package dev.totpguard;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Tells users of every change to their second factor: turns the audit events that {@link Notification#of} maps
 * (enrolled, disabled, reset by an administrator, recovery code used, new recovery codes, locked) into
 * {@link Notification}s and hands them to a {@link Notifier} on a thread of its own. Combine it with the audit
 * listener through {@link TwoFactorListener#andThen}.
 *
 * <p>After the change, outside the request: {@link TwoFactorService} fires these events only once the store has
 * stored the change (each store operation is its own transaction), and {@link #onEvent} only puts the notification
 * in a bounded queue and returns. A slow or failing mail server therefore never delays or fails a login or a
 * change: a notification that fails is logged (its kind and user, the exception's class and message, never a
 * secret) and counted in {@link #failed()}; one that finds the queue full is dropped, logged and counted in
 * {@link #dropped()}. Memory stays bounded whatever the notifier does. Nothing is retried.
 *
 * <p>Thread-safe. {@link #close()} delivers what is queued, waiting at most the configured time.
 */
public final class NotifyingTwoFactorListener implements TwoFactorListener, AutoCloseable {

    /** The logger name of delivery failures and drops. */
    public static final String LOGGER_NAME = "dev.totpguard.notify";

    private static final int MAX_LOGGED_LENGTH = 256;

    private final Notifier notifier;
    private final Supplier<Optional<Locale>> language;
    private final Duration closeWait;
    private final Logger logger;
    private final ThreadPoolExecutor executor;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private NotifyingTwoFactorListener(Builder builder) {
        this.notifier = builder.notifier;
        this.language = builder.language;
        this.closeWait = builder.closeWait;
        this.logger = builder.logger;
        // One thread: notifications go out in the order of the changes. The queue's capacity bounds the memory; the
        // thread ends when idle, so an application without changes holds none.
        this.executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(builder.queueCapacity), runnable -> {
            Thread thread = new Thread(runnable, "totpguard-notifier");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** @param notifier delivers the notifications (required) */
    public static Builder builder(Notifier notifier) {
        return new Builder(notifier);
    }

    /** Queues the notification the event calls for, if any; never blocks, never throws for a full queue. */
    @Override
    public void onEvent(TwoFactorEvent event) {
        Optional<Notification> unlocalized = Notification.of(event, Optional.empty());
        if (unlocalized.isEmpty()) {
            return;
        }
        // The page's language only for the few events that notify: the supplier runs on the request's thread.
        Notification notification = unlocalized.get().withLanguage(language.get());
        try {
            executor.execute(() -> deliver(notification));
        } catch (RejectedExecutionException e) {
            // Full (or closed): the change stands; only its notification is lost, and that is said and counted.
            dropped.incrementAndGet();
            logger.log(Level.WARNING, "Notification " + notification.kind() + " for user \"" + clean(event.user())
                    + "\" dropped: " + (executor.isShutdown() ? "the notifier is closed" : "the queue is full"));
        }
    }

    /**
     * Queues a message of the application's own about a user's account, one that no {@link TwoFactorEvent} stands
     * for (the example mails the old address when an administrator's e-mail address changes): it goes out on the same
     * thread, behind the same bounded queue, after the notifications queued before it, and is counted and logged like
     * them. Never blocks; a full queue drops it, logs and counts.
     *
     * @param what names the message in log lines, e.g. {@code EMAIL_CHANGED}; never a secret
     * @param user whom it is about, for log lines
     * @param message sends it; an exception counts as a failure
     */
    public void queue(String what, String user, Message message) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(message, "message");
        try {
            executor.execute(() -> deliver(what, user, message));
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
            logger.log(Level.WARNING, "Notification " + clean(what) + " for user \"" + clean(user)
                    + "\" dropped: " + (executor.isShutdown() ? "the notifier is closed" : "the queue is full"));
        }
    }

    /** A message of the application's own, for {@link #queue}: sends itself, or throws. */
    @FunctionalInterface
    public interface Message {
        void send() throws Exception;
    }

    private void deliver(Notification notification) {
        deliver(notification.kind().name(), notification.user(), () -> notifier.send(notification));
    }

    private void deliver(String what, String user, Message message) {
        try {
            message.send();
            sent.incrementAndGet();
        } catch (Exception e) {
            failed.incrementAndGet();
            logger.log(Level.WARNING, "Notification " + clean(what) + " for user \"" + clean(user) + "\" failed: "
                    + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + clean(e.getMessage())));
        }
    }

    /** How many notifications the notifier delivered. */
    public long sent() {
        return sent.get();
    }

    /** How many notifications the notifier failed to deliver (it threw). */
    public long failed() {
        return failed.get();
    }

    /** How many notifications were dropped because the queue was full or the listener closed, never handed to the notifier. */
    public long dropped() {
        return dropped.get();
    }

    /** How many notifications wait in the queue now. */
    public int queued() {
        return executor.getQueue().size();
    }

    /**
     * Stops taking notifications and delivers the queued ones, waiting at most {@link Builder#closeWait}; whatever is
     * still queued then is dropped and counted.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (executor.awaitTermination(closeWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = executor.shutdownNow().size();
        if (left > 0) {
            dropped.addAndGet(left);
            logger.log(Level.WARNING, left + " notification(s) dropped at close: not delivered within " + closeWait);
        }
    }

    @Override
    public String toString() {
        return "NotifyingTwoFactorListener[" + notifier + ", sent " + sent + ", failed " + failed + ", dropped " + dropped + "]";
    }

    /** A value for a log line: control characters (CR, LF, ...) replaced, so a name or a server's reply cannot forge lines. */
    private static String clean(String value) {
        StringBuilder line = new StringBuilder(Math.min(value.length(), MAX_LOGGED_LENGTH) + 3);
        for (int i = 0; i < value.length() && i < MAX_LOGGED_LENGTH; i++) {
            char c = value.charAt(i);
            line.append(Character.isISOControl(c) || c == '"' ? '?' : c);
        }
        return value.length() > MAX_LOGGED_LENGTH ? line.append("...").toString() : line.toString();
    }

    /** Configures a {@link NotifyingTwoFactorListener}. */
    public static final class Builder {
        /** Default {@link #queueCapacity}. */
        public static final int DEFAULT_QUEUE_CAPACITY = 100;
        /** Default {@link #closeWait}. */
        public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(10);

        private final Notifier notifier;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Supplier<Optional<Locale>> language = Optional::empty;
        private Duration closeWait = DEFAULT_CLOSE_WAIT;
        private Logger logger = System.getLogger(LOGGER_NAME);

        private Builder(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
        }

        /** How many notifications may wait for the notifier (1 to 100,000; default {@value #DEFAULT_QUEUE_CAPACITY}); more are dropped. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1 || capacity > 100_000) {
                throw new IllegalArgumentException("The queue capacity is 1 to 100000, not " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Tells the language of the page on which a change is made, read on the thread that fires its event (the
         * request's); by default none. It must be quick and never throw.
         */
        public Builder language(Supplier<Optional<Locale>> language) {
            this.language = Objects.requireNonNull(language, "language");
            return this;
        }

        /** How long {@link #close()} waits for the queued notifications (default 10 seconds). */
        public Builder closeWait(Duration wait) {
            if (wait.isNegative()) {
                throw new IllegalArgumentException("The close wait cannot be negative: " + wait);
            }
            this.closeWait = wait;
            return this;
        }

        /** Where failures and drops are logged (default: {@value NotifyingTwoFactorListener#LOGGER_NAME} through {@link System.Logger}). */
        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        public NotifyingTwoFactorListener build() {
            return new NotifyingTwoFactorListener(this);
        }
    }
}
