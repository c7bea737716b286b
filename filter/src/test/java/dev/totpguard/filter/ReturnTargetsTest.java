package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/app/admin/", "/app/admin/x", "/app/admin/x?tab=2&sort=name",
        "/app/admin/x?next=https://evil.example", "/app/admin/x?q=%0d%0a", "/app/x?a=b/c?d"})
    void sameOriginPathsInsideTheApplicationAreKept(String target) {
        assertTrue(ReturnTargets.isSafe(target, "/app"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example", "https://evil.example", "/\\evil.example", "\\/\\/evil.example",
        "https:evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "javascript:x",
        "%0d%0aLocation:x", "/app/admin/x\r\nLocation: https://evil.example", "/app//evil.example",
        "/app/\\evil.example", "/app/%2F%2Fevil.example", "/app", "/apple/x", "/other/admin/",
        "/app/admin/x?a=b c", "/app/admin/x?a=<script>", "/app/admin/x?a=\\", "/app/../evil",
        "/app/admin/x#frag", "", "/app/admin/x?\r\nSet-Cookie:a=b"})
    void anythingThatCouldLeaveTheOriginIsRefused(String target) {
        assertFalse(ReturnTargets.isSafe(target, "/app"));
    }

    @Test
    void rootContextTargetsMustStillStartWithOneSlash() {
        assertTrue(ReturnTargets.isSafe("/admin/", ""));
        assertFalse(ReturnTargets.isSafe("//admin/", ""));
        assertFalse(ReturnTargets.isSafe("admin/", ""));
    }

    @Test
    void aTargetIsBuiltFromPathAndQuery() {
        assertEquals("/app/admin/x?a=1", ReturnTargets.fromRequest("/app/admin/x", "a=1", "/app"));
        assertEquals("/app/admin/x", ReturnTargets.fromRequest("/app/admin/x", null, "/app"));
        assertNull(ReturnTargets.fromRequest("/app/admin/x", "a=<b>", "/app"));
    }

    @Test
    void overlongTargetsAreNotKept() {
        String longQuery = "a=" + "x".repeat(ReturnTargets.MAX_LENGTH);
        assertNull(ReturnTargets.fromRequest("/app/admin/x", longQuery, "/app"));
    }
}
