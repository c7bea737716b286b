package dev.totpguard.filter;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one filter page shows: its kind, HTTP status, an optional message (a bundle key with arguments)
 * and the data of that kind of page. Built per response, never stored. {@link #toString()} leaves out the
 * enrollment key and the recovery codes. Immutable.
 */
final class Page {

    private final PageKind kind;
    private final int status;
    private final String titleKey;
    private final String messageKey;
    private final Object[] messageArgs;
    private final Duration retryAfter;
    private final String qrDataUri;
    private final String groupedKey;
    private final String issuer;
    private final String account;
    private final List<String> recoveryCodes;
    private final String continueUrl;
    private final boolean active;
    private final int recoveryCodesLeft;
    private final boolean disableAllowed;

    private Page(Builder builder) {
        this.kind = builder.kind;
        this.status = builder.status;
        this.titleKey = builder.titleKey;
        this.messageKey = builder.messageKey;
        this.messageArgs = builder.messageArgs;
        this.retryAfter = builder.retryAfter;
        this.qrDataUri = builder.qrDataUri;
        this.groupedKey = builder.groupedKey;
        this.issuer = builder.issuer;
        this.account = builder.account;
        this.recoveryCodes = builder.recoveryCodes;
        this.continueUrl = builder.continueUrl;
        this.active = builder.active;
        this.recoveryCodesLeft = builder.recoveryCodesLeft;
        this.disableAllowed = builder.disableAllowed;
    }

    static Builder of(PageKind kind) {
        return new Builder(kind);
    }

    /** A short page with a title and one sentence, e.g. a 403 for a missing CSRF token. */
    static Page message(int status, String titleKey, String textKey) {
        return of(PageKind.MESSAGE).status(status).title(titleKey).message(textKey).build();
    }

    PageKind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    /** The bundle key of the title; {@code null} means the kind's own title. */
    String titleKey() {
        return titleKey;
    }

    /** A bundle key, or {@code null} for no message. */
    String messageKey() {
        return messageKey;
    }

    Object[] messageArgs() {
        return messageArgs.clone();
    }

    /** For a lockout: how long until codes are checked again, else {@code null}. */
    Duration retryAfter() {
        return retryAfter;
    }

    String qrDataUri() {
        return qrDataUri;
    }

    String groupedKey() {
        return groupedKey;
    }

    String issuer() {
        return issuer;
    }

    String account() {
        return account;
    }

    List<String> recoveryCodes() {
        return recoveryCodes;
    }

    String continueUrl() {
        return continueUrl;
    }

    boolean active() {
        return active;
    }

    int recoveryCodesLeft() {
        return recoveryCodesLeft;
    }

    boolean disableAllowed() {
        return disableAllowed;
    }

    @Override
    public String toString() {
        return "Page[" + kind + ", " + status + (messageKey == null ? "" : ", " + messageKey) + "]";
    }

    static final class Builder {
        private final PageKind kind;
        private int status = 200;
        private String titleKey;
        private String messageKey;
        private Object[] messageArgs = new Object[0];
        private Duration retryAfter;
        private String qrDataUri;
        private String groupedKey;
        private String issuer;
        private String account;
        private List<String> recoveryCodes = List.of();
        private String continueUrl;
        private boolean active;
        private int recoveryCodesLeft;
        private boolean disableAllowed;

        private Builder(PageKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        Builder status(int status) {
            this.status = status;
            return this;
        }

        Builder title(String titleKey) {
            this.titleKey = titleKey;
            return this;
        }

        Builder message(String key, Object... args) {
            this.messageKey = key;
            this.messageArgs = args.clone();
            return this;
        }

        Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        Builder enrollment(String qrDataUri, String groupedKey, String issuer, String account) {
            this.qrDataUri = qrDataUri;
            this.groupedKey = groupedKey;
            this.issuer = issuer;
            this.account = account;
            return this;
        }

        Builder recoveryCodes(List<String> codes, String continueUrl) {
            this.recoveryCodes = List.copyOf(codes);
            this.continueUrl = continueUrl;
            return this;
        }

        Builder management(boolean active, int recoveryCodesLeft, boolean disableAllowed) {
            this.active = active;
            this.recoveryCodesLeft = recoveryCodesLeft;
            this.disableAllowed = disableAllowed;
            return this;
        }

        Page build() {
            return new Page(this);
        }
    }
}
