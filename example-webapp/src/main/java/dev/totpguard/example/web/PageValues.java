package dev.totpguard.example.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the values map of a {@link Page}: an empty {@link Optional} becomes {@code null} (which a template section
 * skips and a {@code {{name}}} writes as nothing), and a name given twice is a programming error.
 */
final class PageValues {

    private final Map<String, Object> values = new LinkedHashMap<>();

    PageValues with(String name, Object value) {
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
