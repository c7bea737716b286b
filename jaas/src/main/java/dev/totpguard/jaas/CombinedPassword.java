package dev.totpguard.jaas;

import java.util.Arrays;

/**
 * A password with the TOTP code appended ({@code secret:123456}, or {@code secret123456} with no separator),
 * for containers whose form login passes only {@code j_username} and {@code j_password}: Tomcat's
 * {@code JAASCallbackHandler} gives a login module no access to other request parameters.
 *
 * <p>{@link #split} copies the two parts into fresh arrays; {@link #clear()} overwrites both. Not
 * thread-safe; one instance belongs to one login attempt.
 */
final class CombinedPassword {

    private final char[] password;
    private final char[] code;

    private CombinedPassword(char[] password, char[] code) {
        this.password = password;
        this.code = code;
    }

    /**
     * Splits {@code combined} at the last {@code separator}, or, when {@code separator} is empty, before the
     * last {@code digits} characters (which must be ASCII digits).
     *
     * @return the parts, or {@code null} if {@code combined} holds no code in that form or no password before it
     */
    static CombinedPassword split(char[] combined, String separator, int digits) {
        if (combined == null) {
            return null;
        }
        int codeStart;
        int passwordEnd;
        if (separator.isEmpty()) {
            codeStart = combined.length - digits;
            passwordEnd = codeStart;
            if (codeStart < 1) {
                return null;
            }
            for (int i = codeStart; i < combined.length; i++) {
                if (combined[i] < '0' || combined[i] > '9') {
                    return null;
                }
            }
        } else {
            passwordEnd = lastIndexOf(combined, separator);
            codeStart = passwordEnd + separator.length();
            if (passwordEnd < 1 || codeStart >= combined.length) {
                return null;
            }
        }
        return new CombinedPassword(Arrays.copyOfRange(combined, 0, passwordEnd),
                Arrays.copyOfRange(combined, codeStart, combined.length));
    }

    private static int lastIndexOf(char[] text, String separator) {
        outer:
        for (int start = text.length - separator.length(); start >= 0; start--) {
            for (int j = 0; j < separator.length(); j++) {
                if (text[start + j] != separator.charAt(j)) {
                    continue outer;
                }
            }
            return start;
        }
        return -1;
    }

    /** The password part (the caller must not keep it past {@link #clear()}). */
    char[] password() {
        return password;
    }

    /** The code part (the caller must not keep it past {@link #clear()}). */
    char[] code() {
        return code;
    }

    void clear() {
        Arrays.fill(password, '\0');
        Arrays.fill(code, '\0');
    }

    @Override
    public String toString() {
        return "CombinedPassword[hidden]";
    }
}
