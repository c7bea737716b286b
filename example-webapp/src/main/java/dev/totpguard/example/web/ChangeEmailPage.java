package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Optional;

/**
 * "Change e-mail address" ({@code change-email.html}): a privileged page ({@link Paths#PRIVILEGED}), so it opens only
 * right after the acting administrator's own code. It shows the address now, the new one in a field, and says that
 * the old address is told.
 *
 * @param email the new address to show in the field: the one the Edit page carried, or what a refused form carried
 * @param problem why the form was refused, shown at the field
 * @param actionHref where the form posts to
 * @param cancelHref the administrator's Edit page
 */
record ChangeEmailPage(String username, String currentEmail, String email, Optional<FieldProblem> problem, String actionHref,
                       String cancelHref) implements Page {

    private static final Template TEMPLATE = Template.load(ChangeEmailPage.class, "change-email.html");

    @Override
    public Content content() {
        PageValues values = new PageValues().with("username", username).with("currentEmail", currentEmail).with("email", email)
                .with("actionHref", actionHref).with("cancelHref", cancelHref);
        return new Content(Text.of("title.changeEmail", username), TEMPLATE, FieldProblem.addTo(values, problem, "email").map());
    }
}
