package dev.totpguard.example.web;

import dev.totpguard.example.data.Text;
import dev.totpguard.internal.template.SafeHtml;
import dev.totpguard.internal.template.Template;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a form was refused, said at the field it is about: the page shows {@code text} right after that field, and
 * the field is marked {@code aria-invalid}, points at the text with {@code aria-describedby} and gets the focus
 * ({@code autofocus}), so a person on a phone or with a screen reader lands on the field with its error.
 *
 * <p>A template writes, for each of its fields, {@code {{invalid.ID}}} inside the field's tag and
 * {@code {{error.ID}}} after it; both are rendered templates ({@code field-invalid.html}, {@code field-error.html})
 * or nothing. The error's element is {@code ID-error}.
 *
 * @param field the id of the field (its {@code <input id>})
 * @param text what is wrong and what to do, plain text in the response's language
 */
record FieldProblem(String field, Text text) {

    private static final Template INVALID = Template.load(FieldProblem.class, "field-invalid.html");
    private static final Template ERROR = Template.load(FieldProblem.class, "field-error.html");

    FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(text, "text");
    }

    /**
     * Adds {@code invalid.ID} and {@code error.ID} for each of {@code fields} to {@code values}: the markup for the
     * one field {@code problem} is about, nothing for the others.
     */
    static PageValues addTo(PageValues values, Optional<FieldProblem> problem, String... fields) {
        for (String field : fields) {
            Optional<FieldProblem> here = problem.filter(p -> p.field().equals(field));
            values.with("invalid." + field, here.map(FieldProblem::invalidAttributes))
                    .with("error." + field, here.map(FieldProblem::errorElement));
        }
        return values;
    }

    private SafeHtml invalidAttributes() {
        return INVALID.render(Map.of("id", field));
    }

    private Localized errorElement() {
        return bundle -> ERROR.render(Map.of("id", field, "text", text.in(bundle)));
    }
}
