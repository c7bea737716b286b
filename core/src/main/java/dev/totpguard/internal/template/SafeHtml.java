package dev.totpguard.internal.template;

import java.util.Objects;

/**
 * Markup that a {@link Template} inserts as it is, without escaping: a rendered template, or a fragment the code
 * vouches for through {@link #trusted(String)}. That method is the only way to put unescaped text into a page, so
 * {@code grep -rn "SafeHtml.trusted"} lists every place that can.
 */
public final class SafeHtml {

    private final String html;

    private SafeHtml(String html) {
        this.html = html;
    }

    /**
     * Markup taken as it is. Only for text the code itself wrote (a style sheet from a resource, an SVG drawn by the
     * QR encoder), never for anything a request or a store can influence.
     */
    public static SafeHtml trusted(String html) {
        return new SafeHtml(Objects.requireNonNull(html, "html"));
    }

    /** The markup. */
    public String html() {
        return html;
    }

    @Override
    public String toString() {
        return html;
    }
}
