package dev.totpguard.internal.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A page template whose every value is HTML-escaped unless it is {@link SafeHtml}. A small subset of Mustache:
 *
 * <ul>
 * <li>{@code {{name}}}: the value, escaped for an element body or a quoted attribute ({@code & < > " '}; control
 *     characters other than tab and newline dropped). {@code {{.}}} is the current item of a list.</li>
 * <li>{@code {{#name}}...{{/name}}}: nothing when the value is {@code null}, {@code false} or an empty collection;
 *     once per item of a collection, with the item (a {@code Map} or a plain value) as the innermost scope; once
 *     otherwise, with a {@code Map} value as the innermost scope.</li>
 * <li>{@code {{^name}}...{{/name}}}: once when the section above would render nothing.</li>
 * <li>{@code {{! comment}}}.</li>
 * </ul>
 *
 * <p>There is no syntax for unescaped output: only a {@link SafeHtml} value (from {@link #render} or
 * {@link SafeHtml#trusted}) is inserted as it is. A name is looked up from the innermost scope outwards and must be
 * present in one of them (its value may be {@code null}): a misspelt name fails the rendering instead of leaving a
 * blank in the page. Parsed once; immutable and thread-safe.
 */
public final class Template {

    private final String name;
    private final List<Node> nodes;

    private Template(String name, List<Node> nodes) {
        this.name = name;
        this.nodes = nodes;
    }

    /**
     * Parses {@code text}.
     *
     * @param name for messages, e.g. the resource path
     * @throws IllegalArgumentException naming the template and the position of an unclosed tag or section
     */
    public static Template parse(String name, String text) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Deque<Section> open = new ArrayDeque<>();
        List<Node> root = new ArrayList<>();
        List<Node> current = root;
        int position = 0;
        while (position < text.length()) {
            int start = text.indexOf("{{", position);
            if (start < 0) {
                current.add(new Text(text.substring(position)));
                break;
            }
            if (start > position) {
                current.add(new Text(text.substring(position, start)));
            }
            int end = text.indexOf("}}", start + 2);
            if (end < 0) {
                throw new IllegalArgumentException("Template " + name + ": '{{' at " + start + " is not closed");
            }
            String tag = text.substring(start + 2, end).strip();
            position = end + 2;
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("Template " + name + ": empty tag at " + start);
            }
            char kind = tag.charAt(0);
            String tagName = tag.substring(1).strip();
            switch (kind) {
                case '!':
                    break;
                case '#':
                case '^':
                    Section section = new Section(checkName(name, tagName, start), kind == '^', new ArrayList<>());
                    current.add(section);
                    open.push(section);
                    current = section.children();
                    break;
                case '/':
                    if (open.isEmpty() || !open.peek().name().equals(tagName)) {
                        throw new IllegalArgumentException("Template " + name + ": {{/" + tagName + "}} at " + start
                                + " closes " + (open.isEmpty() ? "no section" : "section " + open.peek().name()));
                    }
                    open.pop();
                    current = open.isEmpty() ? root : open.peek().children();
                    break;
                default:
                    current.add(new Value(checkName(name, tag, start)));
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("Template " + name + ": section " + open.peek().name() + " is not closed");
        }
        return new Template(name, List.copyOf(root));
    }

    /**
     * Loads and parses a UTF-8 class-path resource, relative to {@code anchor}'s package unless it starts with
     * {@code /}.
     *
     * @throws IllegalStateException if the resource is missing (a packaging error)
     */
    public static Template load(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Template " + resource + " is missing beside " + anchor.getName());
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Template " + resource + " cannot be read", e);
        }
    }

    /**
     * Renders with {@code values} as the outermost scope.
     *
     * @throws IllegalArgumentException if the template uses a name that no scope holds
     */
    public SafeHtml render(Map<String, ?> values) {
        return render(values, Map.of());
    }

    /**
     * Renders with {@code values} as the outermost scope but one and {@code outer} (e.g. the page texts) beyond it:
     * a name is looked up in {@code outer} only when no other scope holds it.
     *
     * @throws IllegalArgumentException if the template uses a name that no scope holds
     */
    public SafeHtml render(Map<String, ?> values, Map<String, ?> outer) {
        StringBuilder out = new StringBuilder(512);
        Deque<Object> scopes = new ArrayDeque<>();
        scopes.push(Objects.requireNonNull(outer, "outer"));
        scopes.push(Objects.requireNonNull(values, "values"));
        renderNodes(nodes, scopes, out);
        return SafeHtml.trusted(out.toString());
    }

    @Override
    public String toString() {
        return "Template[" + name + "]";
    }

    private void renderNodes(List<Node> list, Deque<Object> scopes, StringBuilder out) {
        for (Node node : list) {
            if (node instanceof Text text) {
                out.append(text.text());
            } else if (node instanceof Value value) {
                Object resolved = lookUp(value.name(), scopes);
                if (resolved instanceof SafeHtml html) {
                    out.append(html.html());
                } else if (resolved != null) {
                    escapeTo(out, resolved.toString());
                }
            } else if (node instanceof Section section) {
                renderSection(section, scopes, out);
            }
        }
    }

    private void renderSection(Section section, Deque<Object> scopes, StringBuilder out) {
        Object value = lookUp(section.name(), scopes);
        boolean empty = value == null || Boolean.FALSE.equals(value)
                || value instanceof Collection<?> collection && collection.isEmpty();
        if (section.inverted()) {
            if (empty) {
                renderNodes(section.children(), scopes, out);
            }
            return;
        }
        if (empty) {
            return;
        }
        Iterable<?> items = value instanceof Collection<?> collection ? collection : List.of(value);
        for (Object item : items) {
            boolean pushed = !(item instanceof Boolean);
            if (pushed) {
                scopes.push(item);
            }
            renderNodes(section.children(), scopes, out);
            if (pushed) {
                scopes.pop();
            }
        }
    }

    private Object lookUp(String valueName, Deque<Object> scopes) {
        if (valueName.equals(".")) {
            return scopes.peek();
        }
        for (Object scope : scopes) {
            if (scope instanceof Map<?, ?> map && map.containsKey(valueName)) {
                return map.get(valueName);
            }
        }
        throw new IllegalArgumentException("Template " + name + " uses {{" + valueName + "}}, which no value holds");
    }

    /** Escapes for an element body or a quoted attribute (OWASP XSS prevention rules 1 and 2). */
    static void escapeTo(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    // Control characters other than tab and newline have no place in a page; drop them.
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
            }
        }
    }

    private static String checkName(String template, String valueName, int at) {
        if (!valueName.equals(".") && !valueName.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("Template " + template + ": bad name '" + valueName + "' at " + at);
        }
        return valueName;
    }

    private sealed interface Node permits Text, Value, Section {
    }

    private record Text(String text) implements Node {
    }

    private record Value(String name) implements Node {
    }

    private record Section(String name, boolean inverted, List<Node> children) implements Node {
    }
}
