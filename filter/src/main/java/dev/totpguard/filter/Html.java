package dev.totpguard.filter;

/**
 * HTML escaping for text and attribute values (OWASP XSS prevention rules 1 and 2: escape {@code & < > " '}
 * and always quote attributes). Stateless and thread-safe.
 */
final class Html {

    private Html() {
    }

    /** Escapes {@code text} for an HTML element body or a double-quoted attribute; {@code null} -> "". */
    static String escape(CharSequence text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        escapeTo(out, text);
        return out.toString();
    }

    static StringBuilder escapeTo(StringBuilder out, CharSequence text) {
        if (text == null) {
            return out;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    // Control characters other than tab/newline have no place in a page; drop them.
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
            }
        }
        return out;
    }
}
