package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Optional;

/**
 * "Add New Administrator" ({@code new-administrator.html}): user name, name, e-mail and a first password. A refused
 * form comes back with what was typed, except the passwords.
 *
 * @param problem why the form was refused, shown at the field it is about
 */
record NewAdministratorPage(String username, String name, String email, Optional<FieldProblem> problem, int minPasswordLength)
        implements Page {

    private static final Template TEMPLATE = Template.load(NewAdministratorPage.class, "new-administrator.html");

    @Override
    public Content content() {
        PageValues values = new PageValues().with("username", username).with("name", name).with("email", email)
                .with("minPasswordLength", minPasswordLength);
        return new Content(Text.of("title.newAdministrator"), TEMPLATE,
                FieldProblem.addTo(values, problem, "username", "name", "email", "password", "password_confirm").map());
    }
}
