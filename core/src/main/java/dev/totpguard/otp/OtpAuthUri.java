package dev.totpguard.otp;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Key URI format that authenticator apps read from QR codes:
 * {@code otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30}.
 *
 * <p>Label and issuer are percent-encoded as UTF-8 with space as {@code %20} (never {@code +}); the issuer
 * is written both as label prefix and as parameter, as the format asks. All parameters are always written,
 * so an app never has to guess. A colon in the issuer or account is refused, since it would make the label
 * ambiguous. Whitespace around the issuer or account is dropped: the format allows spaces after the label's
 * colon, so a leading space could not survive a round trip, and apps trim it anyway. Instances are immutable; {@link #toString()} hides the secret, {@link #toUriString()} does not
 * and must not be logged.
 */
public final class OtpAuthUri {

    private static final String PREFIX = "otpauth://totp/";
    /**
     * Large enough for every URI {@link #toUriString()} can write, so the parser reads back what this class
     * builds (found by fuzzing: 2048 refused a valid issuer of non-ASCII characters): issuer twice and account
     * once, up to 256 characters each at up to 9 characters percent-encoded, plus a 128-byte key and the
     * parameters stay below 8192. Still a bound on the work for hostile input.
     */
    private static final int MAX_URI_LENGTH = 8192;
    private static final int MAX_NAME_LENGTH = 256;

    private final String issuer;
    private final String account;
    private final Secret secret;
    private final TotpParameters parameters;

    private OtpAuthUri(String issuer, String account, Secret secret, TotpParameters parameters) {
        // Stripped before the checks, so that what is stored is exactly what parse() reads back from
        // toUriString() (found by fuzzing: a label " email.com" without prefix kept its space, the written
        // "ACME:%20email.com" lost it).
        this.issuer = checkName("issuer", Objects.requireNonNull(issuer, "issuer").strip());
        this.account = checkName("account", Objects.requireNonNull(account, "account").strip());
        this.secret = Objects.requireNonNull(secret, "secret");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /**
     * Issuer and account are stored without surrounding whitespace.
     *
     * @throws IllegalArgumentException if issuer or account is empty, too long, or contains a colon
     */
    public static OtpAuthUri of(String issuer, String account, Secret secret, TotpParameters parameters) {
        return new OtpAuthUri(issuer, account, secret, parameters);
    }

    public String issuer() {
        return issuer;
    }

    public String account() {
        return account;
    }

    public Secret secret() {
        return secret;
    }

    public TotpParameters parameters() {
        return parameters;
    }

    /** The full URI, secret included: for a QR code or an authenticator app, never for a log. */
    public String toUriString() {
        return PREFIX + encode(issuer) + ':' + encode(account)
                + "?secret=" + secret.toBase32()
                + "&issuer=" + encode(issuer)
                + "&algorithm=" + parameters.algorithm().uriName()
                + "&digits=" + parameters.digits()
                + "&period=" + parameters.periodSeconds();
    }

    /**
     * Parses a TOTP key URI. Missing {@code algorithm}, {@code digits} and {@code period} take the defaults
     * (SHA1, 6, 30). A label without an issuer prefix takes the {@code issuer} parameter; when both are
     * present they must agree.
     *
     * @throws IllegalArgumentException with a message that names the problem but never repeats the secret
     */
    public static OtpAuthUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (uri.length() > MAX_URI_LENGTH) {
            throw new IllegalArgumentException("otpauth URI is longer than " + MAX_URI_LENGTH + " characters");
        }
        if (!uri.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException("Not a TOTP key URI: it must start with " + PREFIX);
        }
        int query = uri.indexOf('?');
        if (query < 0) {
            throw new IllegalArgumentException("otpauth URI has no parameters (secret is required)");
        }
        String label = decode(uri.substring(PREFIX.length(), query), false);
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.substring(query + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            if (params.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), value) != null) {
                throw new IllegalArgumentException("otpauth URI repeats the parameter '" + name + "'");
            }
        }
        String labelIssuer = null;
        String account = label;
        int colon = label.indexOf(':');
        if (colon >= 0) {
            labelIssuer = label.substring(0, colon).strip();
            account = label.substring(colon + 1);
        }
        String issuer = params.get("issuer") == null ? null : params.get("issuer").strip();
        if (issuer != null && labelIssuer != null && !issuer.equals(labelIssuer)) {
            throw new IllegalArgumentException("otpauth URI issuer parameter and label prefix disagree");
        }
        if (issuer == null) {
            issuer = labelIssuer;
        }
        if (issuer == null) {
            throw new IllegalArgumentException("otpauth URI names no issuer");
        }
        String secret = params.get("secret");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("otpauth URI has no secret");
        }
        TotpParameters.Builder parameters = TotpParameters.builder();
        String algorithm = params.get("algorithm");
        if (algorithm != null) {
            parameters.algorithm(HmacAlgorithm.fromName(algorithm));
        }
        String digits = params.get("digits");
        if (digits != null) {
            parameters.digits(parseSmallInt("digits", digits));
        }
        String period = params.get("period");
        if (period != null) {
            parameters.periodSeconds(parseSmallInt("period", period));
        }
        return new OtpAuthUri(issuer, account, Secret.fromBase32(secret), parameters.build());
    }

    /** Issuer, account and parameters; never the secret. */
    @Override
    public String toString() {
        return "OtpAuthUri[" + issuer + ':' + account + ", " + parameters + ", " + secret + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OtpAuthUri)) {
            return false;
        }
        OtpAuthUri that = (OtpAuthUri) o;
        return issuer.equals(that.issuer) && account.equals(that.account)
                && parameters.equals(that.parameters) && secret.equals(that.secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(issuer, account, parameters);
    }

    private static String checkName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException("The " + what + " of an otpauth URI must not be empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("The " + what + " of an otpauth URI is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (value.indexOf(':') >= 0) {
            throw new IllegalArgumentException("The " + what + " of an otpauth URI must not contain a colon");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("The " + what + " of an otpauth URI must not contain control characters");
            }
        }
        return value;
    }

    private static int parseSmallInt(String name, String value) {
        if (value.isEmpty() || value.length() > 4) {
            throw new IllegalArgumentException("otpauth URI parameter '" + name + "' is not a small number");
        }
        int result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("otpauth URI parameter '" + name + "' is not a number");
            }
            result = result * 10 + (c - '0');
        }
        return result;
    }

    private static String encode(String value) {
        // URLEncoder is for forms: it writes a space as '+', which apps would show literally in a label.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String value, boolean plusIsSpace) {
        try {
            return URLDecoder.decode(plusIsSpace ? value : value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("otpauth URI has a malformed percent-encoding", e);
        }
    }
}
