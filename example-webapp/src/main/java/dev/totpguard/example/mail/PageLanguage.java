package dev.totpguard.example.mail;

import java.util.Locale;
import java.util.Optional;

/**
 * The language of the page being served on the current thread, so that a notification mail about a change made on
 * that page is written in it: set by the web application's filter for the length of each request, read when the
 * change's audit event fires (on the same thread). Empty outside a page request (the admin command line, the
 * container's login), where mails are English. One instance per installation, shared by the filter and the
 * notifications; thread-safe.
 */
public final class PageLanguage {

    private final ThreadLocal<Locale> current = new ThreadLocal<>();

    /** The current page's language, or empty outside a page request. */
    public Optional<Locale> current() {
        return Optional.ofNullable(current.get());
    }

    /** Starts a page request in {@code language}; the caller ends it with {@link #leave()} in a {@code finally}. */
    public void enter(Locale language) {
        current.set(language);
    }

    /** Ends the page request on this thread, so a pooled thread carries no language into its next task. */
    public void leave() {
        current.remove();
    }
}
