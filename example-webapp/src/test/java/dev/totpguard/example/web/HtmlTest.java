package dev.totpguard.example.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void theFiveSignificantCharactersAreEscaped() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;", Html.escape("<script>alert(\"x\")</script> & 'y'"));
    }

    @Test
    void plainTextIsReturnedUnchangedAndNullBecomesEmpty() {
        String text = "Alice Liddell, alice@example.com";
        assertSame(text, Html.escape(text));
        assertEquals("", Html.escape(null));
    }

    @Test
    void queryValuesArePercentEncoded() {
        assertEquals("a%26b%3Dc+d", Html.query("a&b=c d"));
    }
}
