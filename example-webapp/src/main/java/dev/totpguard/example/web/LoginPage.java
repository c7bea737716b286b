package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.Template;
import java.util.Map;

/**
 * The container's FORM login page ({@code login.html}).
 *
 * @param failed the one generic message for a failed login, whichever factor was wrong
 * @param signedOut the notice after "Log Out"
 * @param withCode whether the page also has the "Token Code" field {@code j_totp}
 */
record LoginPage(boolean failed, boolean signedOut, boolean withCode) implements Page {

    private static final Template TEMPLATE = Template.load(LoginPage.class, "login.html");

    @Override
    public Content content() {
        return new Content(Text.of("title.login"), TEMPLATE,
                new PageValues().with("failed", failed).with("signedOut", signedOut).with("withCode", withCode).map());
    }
}
