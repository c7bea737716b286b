package dev.totpguard.example.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Shows freshly made recovery codes, once: they are stored only as hashes, so this response is the only place they
 * ever appear (and it is sent with {@code Cache-Control: no-store} like every page here).
 */
final class RecoveryCodesPage {

    private RecoveryCodesPage() {
    }

    /** The page that shows fresh recovery codes, once. */
    static void show(App app, HttpServletRequest request, HttpServletResponse response, String title, String intro, List<String> codes)
            throws IOException {
        StringBuilder body = new StringBuilder();
        body.append(Layout.message("notice", intro))
                .append("<h2>Your recovery codes</h2>\n<p>Save these codes somewhere safe, away from your phone (print them or keep them "
                        + "in a password manager). If you lose your phone, type one of them instead of a token code. "
                        + "Each code works once. <strong>They will not be shown again.</strong></p>\n<ul class=\"recovery-codes\">\n");
        for (String code : codes) {
            body.append("<li><code>").append(Html.escape(code)).append("</code></li>\n");
        }
        // A URL other than the form's own, so the browser really loads it instead of only jumping to the anchor.
        String next = Paths.edit(request.getContextPath(), request.getRemoteUser()) + "&saved=1#" + Paths.TWO_FACTOR_ANCHOR;
        body.append("</ul>\n<p><a class=\"button\" href=\"").append(Html.escape(next))
                .append("\">I have saved my recovery codes</a></p>\n");
        app.layout().adminPage(request, response, HttpServletResponse.SC_OK, title, body.toString());
    }

}
