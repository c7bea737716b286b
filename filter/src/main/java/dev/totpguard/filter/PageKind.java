package dev.totpguard.filter;

/**
 * The pages the filter shows. Each one can be replaced by an application path through the setting
 * {@code totpguard.filter.page.<key>}; the filter then forwards to it with the page's data in request
 * attributes (see {@link Pages}).
 */
enum PageKind {
    /** Asks for the code from the authenticator app. */
    TOKEN("token"),
    /** Asks for a recovery code instead. */
    RECOVERY("recovery"),
    /** QR code, key for manual entry and a field for the first code. */
    ENROLL("enroll"),
    /** The new recovery codes, shown once. */
    CODES("codes"),
    /** The user's own settings: new authenticator, new recovery codes, turn off. */
    MANAGE("manage"),
    /** The credential store cannot be reached (HTTP 503). */
    UNAVAILABLE("unavailable"),
    /** A short refusal or notice: a bad request, a form without a valid token, a wrong method. */
    MESSAGE("message");

    private final String key;

    PageKind(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }
}
