package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.web.Messages;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The Help page ({@code help.html}): what two-factor authentication is and what to do when the phone is lost. The
 * same section closes the Edit page.
 */
record HelpPage() implements Page {

    /** The authenticator apps the help and the enrollment steps name. */
    static final Text AUTHENTICATOR_APPS = Text.of("help.apps");

    private static final Template TEMPLATE = Template.load(HelpPage.class, "help.html");

    /** The help section, for other pages to include. */
    static Localized section() {
        return bundle -> TEMPLATE.render(Map.of("whatText", Text.of("help.what.text", AUTHENTICATOR_APPS).in(bundle)),
                Messages.texts(bundle));
    }

    @Override
    public Content content() {
        return new Content(Text.of("title.help"), TEMPLATE, Map.of("whatText", Text.of("help.what.text", AUTHENTICATOR_APPS)));
    }
}
