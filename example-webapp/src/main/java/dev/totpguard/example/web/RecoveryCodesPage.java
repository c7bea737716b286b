package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import dev.totpguard.internal.web.RecoveryCodeFile;
import java.util.List;
import java.util.Map;

/**
 * Shows freshly made recovery codes, once ({@code recovery-codes.html}): they are stored only as hashes, so this
 * response is the only place they ever appear (and it is sent with {@code Cache-Control: no-store} like every page
 * here).
 *
 * <p>Like TOTP Guard's own codes page, it offers them as a {@code .txt} download: a {@code data:} URL in this page
 * (so the codes are never kept on the server to be fetched again), with a heading that says whose codes they are.
 *
 * @param intro what just happened
 * @param account whose codes they are, named in the downloaded file
 * @param savedHref where "I have saved my recovery codes" leads
 */
record RecoveryCodesPage(Text title, Text intro, String account, List<String> codes, String savedHref) implements Page {

    private static final Template TEMPLATE = Template.load(RecoveryCodesPage.class, "recovery-codes.html");

    RecoveryCodesPage {
        codes = List.copyOf(codes);
    }

    /** The page for the signed-in administrator {@code user}, leading back to their own section. */
    static RecoveryCodesPage forUser(String contextPath, String user, Text title, Text intro, List<String> codes) {
        // A URL other than the form's own, so the browser really loads it instead of only jumping to the anchor. Not
        // "&saved=1": following the link changes nothing, so the page must not say "Your changes were saved."
        String saved = Paths.edit(contextPath, user) + "&codes=kept#" + Paths.TWO_FACTOR_ANCHOR;
        return new RecoveryCodesPage(title, intro, user, codes, saved);
    }

    @Override
    public Content content() {
        return new Content(title, TEMPLATE,
                new PageValues().with("intro", intro).with("codes", codes).with("fileHref", fileHref()).with("savedHref", savedHref)
                        .map());
    }

    /** The {@code .txt} file, the same download as the filter's codes page. */
    private Localized fileHref() {
        return bundle -> RecoveryCodeFile.dataUri(Text.of("codes.file.heading", Text.of("site"), account).in(bundle), codes);
    }

    /** Hides the codes. */
    @Override
    public String toString() {
        return "RecoveryCodesPage[" + title + ", " + account + ", " + codes.size() + " codes]";
    }
}
