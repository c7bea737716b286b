package dev.totpguard.filter;

/**
 * A second, stricter look at the raw request URI of a protected request, after the container has already
 * decoded and normalised it (Jakarta Servlet 6.0 section 3.5.2 asks containers to reject most of this
 * with 400; Jetty 12 and Tomcat 11 do, with their default settings).
 *
 * <p>Path matching in the filter never uses the raw URI. This check exists because authorization bypasses
 * have again and again come from a container, a proxy and a framework disagreeing about what a path means
 * ({@code /x/..;/admin}, {@code /;/admin}, {@code %2e}, {@code %2f}, {@code %5c}, {@code //admin}: Shiro
 * CVE-2020-1957, CVE-2020-11989, CVE-2020-17510; Jetty CVE-2021-28164). A protected URI that contains any
 * character or sequence with two possible readings is refused outright, so there is nothing left to
 * disagree about: path parameters ({@code ;}), any percent-encoding, backslashes, control and non-ASCII
 * characters, anything else outside RFC 3986 path characters, empty segments ({@code //}) and dot
 * segments. Stateless and thread-safe.
 */
final class UriFirewall {

    private UriFirewall() {
    }

    /**
     * Whether a raw (still encoded) request path is free of suspicious characters and sequences.
     *
     * @param rawPath as from {@code HttpServletRequest.getRequestURI()} (context path included, no query)
     */
    static boolean isClean(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return false;
        }
        int length = rawPath.length();
        int segmentStart = 1;
        for (int i = 0; i < length; i++) {
            char c = rawPath.charAt(i);
            if (c == '/') {
                if (i > 0 && isEmptyOrDotSegment(rawPath, segmentStart, i)) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (!isPlainPathChar(c)) {
                return false;
            }
        }
        // The last segment may be empty ("/admin/"), but not "." or "..".
        return segmentStart == length || !isEmptyOrDotSegment(rawPath, segmentStart, length);
    }

    /**
     * RFC 3986 "pchar" minus the two that have a second meaning to servlet containers: percent-encoding
     * and the path-parameter separator ';'. Everything else (space, controls, DEL, non-ASCII, '\\', '#',
     * '?', quotes, angle brackets) has no business in a raw request path.
     */
    private static boolean isPlainPathChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "-._~!$&'()*+,=:@".indexOf(c) >= 0;
    }

    private static boolean isEmptyOrDotSegment(String path, int start, int end) {
        int length = end - start;
        return length == 0
                || (length == 1 && path.charAt(start) == '.')
                || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.');
    }
}
