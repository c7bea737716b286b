package dev.totpguard.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of Jakarta Servlet URL patterns (Servlet 6.0 section 12.2: {@code /prefix/*}, an exact path, or
 * {@code *.extension}; {@code /*} and {@code /} match everything) matched against the path the container
 * decoded and normalised, given as {@code servletPath} and {@code pathInfo}. The two parts are matched as
 * if concatenated, without building the concatenation, so a match allocates nothing.
 *
 * <p>Matching is either exact or ASCII case-insensitive; protected paths use the latter so that a
 * case-insensitive file system or a lenient servlet mapping cannot serve {@code /ADMIN/x} unguarded,
 * while exemptions stay exact. Instances are immutable and thread-safe.
 */
final class PathPatterns {

    private static final int EXACT = 0;
    private static final int PREFIX = 1;
    private static final int EXTENSION = 2;
    private static final int ALL = 3;

    private final String[] values;
    private final int[] kinds;
    private final boolean ignoreCase;
    private final List<String> patterns;

    private PathPatterns(List<String> patterns, boolean ignoreCase) {
        this.patterns = List.copyOf(patterns);
        this.ignoreCase = ignoreCase;
        this.values = new String[patterns.size()];
        this.kinds = new int[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern.equals("/*") || pattern.equals("/")) {
                kinds[i] = ALL;
                values[i] = "";
            } else if (pattern.endsWith("/*")) {
                kinds[i] = PREFIX;
                values[i] = pattern.substring(0, pattern.length() - 2);
            } else if (pattern.startsWith("*.")) {
                kinds[i] = EXTENSION;
                values[i] = pattern.substring(1);
            } else {
                kinds[i] = EXACT;
                values[i] = pattern;
            }
        }
    }

    /**
     * Parses a comma-separated list of URL patterns; blank means none.
     *
     * @throws IllegalArgumentException naming the first malformed pattern (no {@code ..}, {@code //},
     *     {@code ;}, {@code %} or {@code \}; {@code *} only as {@code /*} suffix or {@code *.} prefix)
     */
    static PathPatterns parse(String commaSeparated, boolean ignoreCase) {
        List<String> patterns = new ArrayList<>();
        if (commaSeparated != null) {
            for (String part : commaSeparated.split(",", -1)) {
                String pattern = part.strip();
                if (pattern.isEmpty()) {
                    continue;
                }
                check(pattern);
                patterns.add(pattern);
            }
        }
        return new PathPatterns(patterns, ignoreCase);
    }

    private static void check(String pattern) {
        boolean wellFormed;
        if (pattern.startsWith("*.")) {
            String extension = pattern.substring(2);
            wellFormed = !extension.isEmpty() && extension.chars().allMatch(c -> c > 0x20 && c < 0x7f
                    && c != '/' && c != '*' && c != ';' && c != '%' && c != '\\' && c != '.');
        } else {
            String path = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 1) : pattern;
            wellFormed = path.startsWith("/") && !path.contains("*") && !path.contains("//")
                    && UriFirewall.isClean(path);
        }
        if (!wellFormed) {
            throw new IllegalArgumentException("'" + pattern + "' is not a servlet URL pattern"
                    + " (expected /path/*, /exact/path or *.extension)");
        }
    }

    /** Whether a pattern matches a whole directory ({@code /prefix/*}, {@code /*} or {@code /}). */
    boolean hasPrefix() {
        for (int kind : kinds) {
            if (kind == PREFIX || kind == ALL) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return values.length == 0;
    }

    List<String> patterns() {
        return patterns;
    }

    /**
     * Whether {@code servletPath + pathInfo} matches one of the patterns.
     *
     * @param servletPath as from {@code HttpServletRequest.getServletPath()}, never {@code null}
     * @param pathInfo as from {@code getPathInfo()}, may be {@code null}
     */
    boolean matches(String servletPath, String pathInfo) {
        String info = pathInfo == null ? "" : pathInfo;
        for (int i = 0; i < values.length; i++) {
            if (matches(kinds[i], values[i], servletPath, info)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(int kind, String value, String first, String second) {
        int length = first.length() + second.length();
        switch (kind) {
            case ALL:
                return true;
            case EXACT:
                return length == value.length() && regionMatches(first, second, 0, value);
            case PREFIX:
                // "/admin/*" matches "/admin" itself and everything below "/admin/", never "/administrator".
                if (length < value.length() || !regionMatches(first, second, 0, value)) {
                    return false;
                }
                return length == value.length() || charAt(first, second, value.length()) == '/';
            case EXTENSION:
                return length >= value.length()
                        && regionMatches(first, second, length - value.length(), value)
                        && lastSlash(first, second) < length - value.length();
            default:
                throw new AssertionError("unknown pattern kind " + kind);
        }
    }

    private static char charAt(String first, String second, int index) {
        return index < first.length() ? first.charAt(index) : second.charAt(index - first.length());
    }

    private static int lastSlash(String first, String second) {
        int inSecond = second.lastIndexOf('/');
        return inSecond >= 0 ? first.length() + inSecond : first.lastIndexOf('/');
    }

    /** Whether {@code value} occurs in {@code first + second} at {@code offset}. */
    private boolean regionMatches(String first, String second, int offset, String value) {
        for (int i = 0; i < value.length(); i++) {
            char a = charAt(first, second, offset + i);
            char b = value.charAt(i);
            if (a != b && !(ignoreCase && toLowerAscii(a) == toLowerAscii(b))) {
                return false;
            }
        }
        return true;
    }

    private static char toLowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    @Override
    public String toString() {
        return String.join(",", patterns) + (ignoreCase ? " (ignoring case)" : "");
    }
}
