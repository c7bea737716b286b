package dev.totpguard.example.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the values map of a {@link Page}. A value that may be absent is an {@link Optional}, and an empty one
 * becomes {@code null} (which a template section skips and a {@code {{name}}} writes as nothing); a {@code null}
 * value or a name given twice is a programming error, refused before anything of the page is sent.
 */
final class PageValues {

    private final Map<String, Object> values = new LinkedHashMap<>();

    PageValues with(String name, Object value) {
        Objects.requireNonNull(value, () -> "page value " + name + " is null; an absent value is an empty Optional");
        Object plain = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        if (values.containsKey(name)) {
            throw new IllegalArgumentException("Page value " + name + " is given twice");
        }
        values.put(name, plain);
        return this;
    }

    /** The values, unmodifiable. */
    Map<String, Object> map() {
        return Collections.unmodifiableMap(values);
    }
}
