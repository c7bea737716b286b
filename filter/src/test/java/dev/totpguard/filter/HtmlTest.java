package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void markupCharactersAreEscaped() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
                Html.escape("<script>alert('x')</script> & \"q\""));
    }

    @Test
    void controlCharactersAreDroppedAndNullIsEmpty() {
        assertEquals("ab\ncd", Html.escape("a\u0000b\ncd\u001b"));
        assertEquals("", Html.escape(null));
    }
}
