package dev.totpguard.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The folded form of a user name that tells which stored names are spellings of one account in a
 * case-insensitive, accent-insensitive user directory (MariaDB's default collation, LDAP, Active Directory,
 * Tomcat's DataSourceRealm): {@code admin}, {@code ADMIN}, {@code ádmin}, {@code admın}, {@code ＡＤＭＩＮ} and
 * {@code " admin "} all fold to {@code admin}.
 *
 * <p>The credential store keeps the key of every stored user id (column {@code account_key}, unique), and
 * {@link dev.totpguard.TwoFactorService} refuses a name whose key belongs to a <em>different</em> stored id: the
 * password check may have accepted that spelling for the enrolled account, so treating it as a new, unenrolled
 * user would skip the second factor or enroll a second secret for the same person. The key is deliberately
 * broader than any one directory's collation; two genuinely different accounts that fold alike cannot both have
 * a second factor, which is the price of never letting one of them through as the other.
 *
 * <p>Stateless and thread-safe.
 */
public final class AccountKey {

    // Combining marks (accents after NFD) and format characters (zero-width space/joiner, soft hyphen, bidi marks),
    // which directories commonly ignore when comparing names.
    private static final Pattern IGNORED = Pattern.compile("[\\p{M}\\p{Cf}]+");

    private AccountKey() {
    }

    /**
     * The folded name: surrounding white space stripped, compatibility characters unified (NFKC: full-width
     * letters, ligatures), case folded with {@link Locale#ROOT} through upper then lower case (so {@code ß},
     * dotless {@code ı}, dotted {@code İ} and long {@code ſ} meet their ASCII spellings), accents and format
     * characters removed.
     */
    static String fold(String user) {
        Objects.requireNonNull(user, "user");
        String folded = Normalizer.normalize(user.strip(), Normalizer.Form.NFKC);
        folded = folded.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        folded = IGNORED.matcher(Normalizer.normalize(folded, Normalizer.Form.NFD)).replaceAll("");
        // Recompose what removing the marks left; strip again in case a removed format character was the border.
        return Normalizer.normalize(folded, Normalizer.Form.NFKC).strip();
    }

    /**
     * The stored key of a user name: the SHA-256 of its {@link #fold(String) fold} in UTF-8, as 64 lower-case hex
     * digits (fixed width, so any name fits a unique index on every database).
     */
    public static String of(String user) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(fold(user).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("Every Java platform has SHA-256", e);
        }
    }

    /** Whether two user names are spellings of one account by this fold. */
    public static boolean sameAccount(String user, String other) {
        return fold(user).equals(fold(other));
    }
}
