package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Optional;

/**
 * A page that only says why a request was refused or failed ({@code message.html}), with a link back when there
 * is a sensible place to go.
 */
record MessagePage(Text title, Text message, Optional<Link> back) implements Page {

    private static final Template TEMPLATE = Template.load(MessagePage.class, "message.html");

    /** A link: its target and its text. */
    record Link(String href, Text text) {
    }

    MessagePage(Text title, Text message) {
        this(title, message, Optional.empty());
    }

    MessagePage(Text title, Text message, String backHref, Text backText) {
        this(title, message, Optional.of(new Link(backHref, backText)));
    }

    @Override
    public Content content() {
        return new Content(title, TEMPLATE,
                new PageValues().with("message", message)
                .with("back", back.map(link -> new PageValues().with("href", link.href()).with("text", link.text()).map()))
                .map());
    }
}
