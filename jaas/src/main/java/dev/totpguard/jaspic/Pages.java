package dev.totpguard.jaspic;

/**
 * The small HTML pages of {@link TotpServerAuthModule}. Nothing the client sent is ever echoed; the
 * module's own texts and paths are escaped anyway. Stateless.
 */
final class Pages {

    private Pages() {
    }

    static String form(String title, String notice, String action, String csrf, String fields) {
        return page(title, (notice == null ? "" : "<p role=\"alert\">" + escape(notice) + "</p>")
                + "<form method=\"post\" action=\"" + escape(action) + "\" autocomplete=\"off\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">" + fields
                + "<button type=\"submit\">Continue</button></form>");
    }

    static String field(String label, String name, String type, String autocomplete) {
        return "<p><label>" + escape(label) + "<br><input type=\"" + type + "\" name=\"" + name
                + "\" autocomplete=\"" + autocomplete + "\" required></label></p>";
    }

    static String message(String title, String text) {
        return page(title, "<p>" + escape(text) + "</p>");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }
}
