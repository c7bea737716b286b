package dev.totpguard.example.web;

import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Optional;

/**
 * "Add New Administrator" ({@code new-administrator.html}): user name, name, e-mail and a first password. A refused
 * form comes back with what was typed, except the passwords.
 *
 * @param problem why the form was refused
 */
record NewAdministratorPage(String username, String name, String email, Optional<String> problem, int minPasswordLength)
        implements Page {

    private static final Template TEMPLATE = Template.load(NewAdministratorPage.class, "new-administrator.html");

    @Override
    public Content content() {
        return new Content("Add New Administrator", TEMPLATE,
                new PageValues().with("username", username).with("name", name).with("email", email).with("problem", problem)
                .with("minPasswordLength", minPasswordLength).map());
    }
}
