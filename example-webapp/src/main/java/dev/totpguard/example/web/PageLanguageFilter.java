package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.example.mail.PageLanguage;
import dev.totpguard.internal.web.Messages;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Tells {@link PageLanguage} the language the pages of this request speak (the shipped one that best matches its
 * {@code Accept-Language}, as {@link Pages} chooses it), so a notification mail about a change made on this request
 * is written in it. First in the chain, before TOTP Guard's filter, whose token page fires events too.
 */
final class PageLanguageFilter extends HttpFilter {

    private final PageLanguage language;
    private final Messages messages = new Messages(Text.BUNDLE, Text.LOCALES);

    PageLanguageFilter(PageLanguage language) {
        this.language = Objects.requireNonNull(language, "language");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (language.current().isPresent()) {
            // A nested dispatch (forward, include, error) of a request that has its language: leaving here would
            // clear it for the rest of the outer request.
            chain.doFilter(request, response);
            return;
        }
        language.enter(messages.locale(request.getHeader("Accept-Language")));
        try {
            chain.doFilter(request, response);
        } finally {
            language.leave();
        }
    }
}
