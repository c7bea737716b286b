package dev.totpguard.example.web;

import dev.totpguard.internal.template.Template;
import java.util.List;
import java.util.Map;

/**
 * Shows freshly made recovery codes, once ({@code recovery-codes.html}): they are stored only as hashes, so this
 * response is the only place they ever appear (and it is sent with {@code Cache-Control: no-store} like every page
 * here).
 *
 * @param intro what just happened
 * @param savedHref where "I have saved my recovery codes" leads
 */
record RecoveryCodesPage(String title, String intro, List<String> codes, String savedHref) implements Page {

    private static final Template TEMPLATE = Template.load(RecoveryCodesPage.class, "recovery-codes.html");

    RecoveryCodesPage {
        codes = List.copyOf(codes);
    }

    /** The page for the signed-in administrator {@code user}, leading back to their own section. */
    static RecoveryCodesPage forUser(String contextPath, String user, String title, String intro, List<String> codes) {
        // A URL other than the form's own, so the browser really loads it instead of only jumping to the anchor.
        String saved = Paths.edit(contextPath, user) + "&saved=1#" + Paths.TWO_FACTOR_ANCHOR;
        return new RecoveryCodesPage(title, intro, codes, saved);
    }

    @Override
    public Content content() {
        return new Content(title, TEMPLATE,
                new PageValues().with("intro", intro).with("codes", codes).with("savedHref", savedHref).map());
    }
}
