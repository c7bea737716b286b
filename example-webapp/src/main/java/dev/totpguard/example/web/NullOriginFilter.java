package dev.totpguard.example.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Hides the header {@code Origin: null} from the filters behind this one when the browser's Fetch Metadata says
 * the request is {@code Sec-Fetch-Site: same-origin}.
 *
 * <p>Why: every page here is sent with {@code Referrer-Policy: no-referrer} (security requirement 24), and for a
 * form POST from such a page browsers serialise the Origin as {@code null} (Fetch standard, "serializing a
 * request origin"). TOTP Guard's filter treats {@code Origin: null} as foreign and refuses its own token form in a
 * real browser. {@code Sec-Fetch-Site} is set by the browser and cannot be forged by a page, so a same-origin
 * request loses nothing by dropping its opaque Origin; the CSRF token is still required. A request whose
 * {@code Sec-Fetch-Site} is anything else keeps its {@code Origin: null} and is refused as before.
 */
final class NullOriginFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("null".equals(request.getHeader("Origin")) && "same-origin".equals(request.getHeader("Sec-Fetch-Site"))) {
            chain.doFilter(new WithoutOrigin(request), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private static final class WithoutOrigin extends HttpServletRequestWrapper {

        WithoutOrigin(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return "Origin".equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Origin".equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(header -> !"Origin".equalsIgnoreCase(header)).toList());
        }
    }
}
