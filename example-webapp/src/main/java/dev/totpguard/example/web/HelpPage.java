package dev.totpguard.example.web;

import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The Help page ({@code help.html}): what two-factor authentication is and what to do when the phone is lost. The
 * same section closes the Edit page.
 */
record HelpPage() implements Page {

    /** The authenticator apps the help and the enrollment steps name. */
    static final String AUTHENTICATOR_APPS =
            "Google Authenticator, Microsoft Authenticator, Authy, or any other app for RFC 6238 time-based tokens";

    private static final Template TEMPLATE = Template.load(HelpPage.class, "help.html");

    /** The help section, for other pages to include. */
    static SafeHtml section() {
        return TEMPLATE.render(new HelpPage().content().values());
    }

    @Override
    public Content content() {
        return new Content("Help", TEMPLATE, Map.of("authenticatorApps", AUTHENTICATOR_APPS));
    }
}
