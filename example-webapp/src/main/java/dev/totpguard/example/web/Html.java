package dev.totpguard.example.web;

/**
 * HTML escaping for text and attribute values (OWASP XSS prevention rule 1 and 2: the five significant
 * characters). Every value that did not come from this code goes through {@link #escape(String)}. Stateless.
 */
final class Html {

    private Html() {
    }

    /** Escapes {@code & < > " '}; {@code null} becomes the empty string. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Percent-encodes a query parameter value (user names are restricted, but never trust that here). */
    static String query(String value) {
        return java.net.URLEncoder.encode(value == null ? "" : value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
