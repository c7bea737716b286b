package dev.totpguard.internal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private static String render(String text, Map<String, ?> values) {
        return Template.parse("test", text).render(values).html();
    }

    @Test
    void valuesAreEscapedForTextAndQuotedAttributes() {
        String hostile = "\"><script>alert('x')</script>&amp;";
        assertEquals("<p title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\">"
                        + "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;</p>",
                render("<p title=\"{{v}}\">{{v}}</p>", Map.of("v", hostile)));
    }

    @Test
    void controlCharactersAreDroppedButTabAndNewlineKept() {
        assertEquals("ab\tc\nd", render("{{v}}", Map.of("v", "a\u0000b\tc\nd\u001b")));
    }

    @Test
    void safeHtmlIsTheOnlyUnescapedOutput() {
        SafeHtml inner = Template.parse("inner", "<b>{{v}}</b>").render(Map.of("v", "<i>"));
        assertEquals("<main><b>&lt;i&gt;</b></main>", render("<main>{{body}}</main>", Map.of("body", inner)));
        assertEquals("<style>a{}</style>", render("{{css}}", Map.of("css", SafeHtml.trusted("<style>a{}</style>"))));
        // Triple braces are not a way around escaping: the inner braces are part of a bad name.
        assertThrows(IllegalArgumentException.class, () -> Template.parse("t", "{{{v}}}"));
        assertThrows(IllegalArgumentException.class, () -> Template.parse("t", "{{&v}}"));
    }

    @Test
    void sectionsRenderForTrueForEachItemAndNotForFalseNullOrEmpty() {
        String text = "{{#on}}[on]{{/on}}{{^on}}[off]{{/on}}{{#items}}<li>{{.}}</li>{{/items}}{{^items}}none{{/items}}";
        Map<String, Object> values = new HashMap<>();
        values.put("on", true);
        values.put("items", List.of("a", "<b>"));
        assertEquals("[on]<li>a</li><li>&lt;b&gt;</li>", render(text, values));
        values.put("on", false);
        values.put("items", List.of());
        assertEquals("[off]none", render(text, values));
        values.put("on", null);
        assertEquals("[off]none", render(text, values));
    }

    @Test
    void mapItemsAreScopesAndOuterNamesStayVisible() {
        List<Map<String, String>> rows = List.of(Map.of("name", "alice"), Map.of("name", "bob"));
        assertEquals("alice@x;bob@x;", render("{{#rows}}{{name}}@{{domain}};{{/rows}}",
                Map.of("rows", rows, "domain", "x")));
        assertEquals("inner", render("{{#user}}{{name}}{{/user}}", Map.of("user", Map.of("name", "inner"), "name", "outer")));
    }

    @Test
    void nullValuesRenderNothingButUnknownNamesFail() {
        Map<String, Object> values = new HashMap<>();
        values.put("present", null);
        assertEquals("[]", render("[{{present}}]", values));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> render("{{mistyped}}", values));
        assertTrue(e.getMessage().contains("mistyped"), e.getMessage());
    }

    @Test
    void theOuterScopeIsAskedLastAndOnlyForNamesNoOtherScopeHolds() {
        Map<String, String> texts = Map.of("greeting", "Hello <you>", "title", "from the texts");
        assertEquals("<h1>mine</h1>Hello &lt;you&gt;", Template.parse("t", "<h1>{{title}}</h1>{{greeting}}")
                .render(Map.of("title", "mine"), texts).html());
        assertThrows(IllegalArgumentException.class,
                () -> Template.parse("t", "{{missing}}").render(Map.of(), texts));
    }

    @Test
    void commentsRenderNothing() {
        assertEquals("ab", render("a{{! a note }}b", Map.of()));
    }

    @Test
    void malformedTemplatesAreRefusedWhenParsed() {
        for (String bad : Arrays.asList("{{v", "{{#s}}x", "{{#s}}x{{/t}}", "x{{/s}}", "{{}}", "{{bad name}}")) {
            assertThrows(IllegalArgumentException.class, () -> Template.parse("t", bad), bad);
        }
    }

    @Test
    void loadReadsUtf8ResourcesAndNamesAMissingOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Template.load(TemplateTest.class, "no-such.html"));
        assertTrue(e.getMessage().contains("no-such.html"), e.getMessage());
        assertEquals("<p>Grüße, &lt;x&gt;</p>\n",
                Template.load(TemplateTest.class, "greeting.html").render(Map.of("name", "<x>")).html());
    }
}
