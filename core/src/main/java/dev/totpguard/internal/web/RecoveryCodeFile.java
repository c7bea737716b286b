package dev.totpguard.internal.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The recovery codes as a {@code .txt} download built into the page: a {@code data:} URL, so the codes are never
 * stored or served again. Used by the filter's codes page and the example's.
 */
public final class RecoveryCodeFile {

    private RecoveryCodeFile() {
    }

    /** An optional heading line, a blank line, then one code a line; CRLF, percent-encoded UTF-8. */
    public static String dataUri(String heading, List<String> codes) {
        StringBuilder file = new StringBuilder();
        if (heading != null) {
            file.append(heading).append("\r\n\r\n");
        }
        for (String code : codes) {
            file.append(code).append("\r\n");
        }
        return "data:text/plain;charset=utf-8," + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8).replace("+", "%20");
    }
}
