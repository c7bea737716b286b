package dev.totpguard.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UriFirewallTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/admin", "/admin/", "/app/admin/x", "/admin/x.y/z", "/admin/.well-known",
        "/admin/..x", "/admin/x..", "/admin/...", "/a-b_c~d/e!f$g&h'i(j)k*l+m,n=o:p@q"})
    void plainPathsAreClean(String path) {
        assertTrue(UriFirewall.isClean(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "admin/x", "//admin/x", "/admin//x", "/admin/x//", "/./admin/x", "/admin/.",
        "/admin/./x", "/foo/../admin/x", "/admin/..", "/%61dmin/x", "/admin%2fx", "/admin%2Fx", "/admin%5cx",
        "/admin/%2e%2e/admin/x", "/admin;jsessionid=1/x", "/admin;a=b/x", "/admin/x;.css", "/;/admin/x",
        "/admin\\x", "/\\evil.example", "/admin/x\u0000", "/admin/x\r\nSet-Cookie:a", "/admin/x\u007f",
        "/admin/x y", "/admin/\u00e9", "/admin/\uff0e\uff0e/x", "/admin%00/x", "/%252e/admin/x"})
    void suspiciousPathsAreRefused(String path) {
        assertFalse(UriFirewall.isClean(path));
    }
}
