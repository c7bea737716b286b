package dev.totpguard.example.web;

import java.util.ResourceBundle;

/**
 * A page value that depends on the response's language (a rendered part with texts in it, a file with a translated
 * heading): {@link Pages} asks for it in the request's language when it renders the page.
 */
@FunctionalInterface
interface Localized {

    /** The value in the language of {@code bundle}: plain text, a rendered template, or values for a template. */
    Object in(ResourceBundle bundle);
}
