package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Setup" &gt; "Staff Management" &gt; "Administrators" ({@code administrators.html}): every administrator with an
 * "Edit" link, and "Add New Administrator".
 *
 * @param added the notice after "Add New Administrator"
 */
record AdministratorsPage(boolean added, List<Row> rows) implements Page {

    private static final Template TEMPLATE = Template.load(AdministratorsPage.class, "administrators.html");

    /**
     * One administrator.
     *
     * @param twoFactor their two-factor state as {@link Format#state} writes it; empty when the store refuses the
     *     name as another spelling of an enrolled account (a row written before such names were refused, or by hand),
     *     which the page flags so that it can be seen and removed
     */
    record Row(String username, String name, String email, Optional<Text> twoFactor, String editHref) {

        Map<String, Object> values() {
            return new PageValues().with("username", username).with("name", Format.visible(name)).with("email", Format.visible(email))
                    .with("alias", twoFactor.isEmpty()).with("twoFactor", twoFactor).with("editHref", editHref).map();
        }
    }

    AdministratorsPage {
        rows = List.copyOf(rows);
    }

    @Override
    public Content content() {
        return new Content(Text.of("title.administrators"), TEMPLATE,
                new PageValues().with("added", added).with("rows", rows.stream().map(Row::values).toList()).map());
    }
}
