package dev.totpguard;

import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.qr.QrCode;
import java.util.Objects;

/**
 * A started, not yet confirmed enrollment: what the user needs to add the secret to an authenticator app —
 * the otpauth:// URI as a QR code (PNG, SVG or data URI, rendered here, never by a third party) and the
 * grouped Base32 key for typing by hand.
 *
 * <p>Everything but {@link #user()}, {@link #issuer()} and {@link #account()} reveals the secret: send it only
 * to the user, with {@code Cache-Control: no-store}, and never log it. {@link #toString()} hides it.
 *
 * <p>The enrollment belongs to whoever holds its {@link #nonce()}: keep it in the session that started the
 * enrollment (never in a page, a URL or a log) and pass it to {@link TwoFactorService#pendingEnrollment} and
 * {@link TwoFactorService#confirmEnrollment}. Another session of the same user cannot see or confirm this
 * secret; it starts an enrollment of its own, which replaces this one.
 * Immutable and thread-safe.
 */
public final class Enrollment {

    private final String user;
    private final OtpAuthUri uri;
    private final QrCode qrCode;
    private final String nonce;

    Enrollment(String user, OtpAuthUri uri, QrCode qrCode, String nonce) {
        this.user = Objects.requireNonNull(user, "user");
        this.nonce = Objects.requireNonNull(nonce, "nonce");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.qrCode = Objects.requireNonNull(qrCode, "qrCode");
    }

    /** The user name the credential belongs to. */
    public String user() {
        return user;
    }

    /**
     * The enrollment nonce (256 random bits, base64url): the capability to see and confirm this pending secret.
     * Keep it server-side in the session that started the enrollment; the store holds only its SHA-256.
     */
    public String nonce() {
        return nonce;
    }

    /** The key URI; {@link OtpAuthUri#toUriString()} contains the secret. */
    public OtpAuthUri otpAuthUri() {
        return uri;
    }

    /** The secret in Base32 groups of four ({@code "ABCD EFGH ..."}), for entering by hand. */
    public String groupedKey() {
        return uri.secret().toGroupedBase32();
    }

    public String issuer() {
        return uri.issuer();
    }

    /** The account name shown in the app: the user name (a colon, which the URI format forbids, becomes '_'). */
    public String account() {
        return uri.account();
    }

    /** The key URI as a standalone SVG QR code. */
    public String qrSvg() {
        return qrCode.svg(uri.toUriString());
    }

    /** The key URI as a {@code data:image/png;base64,...} URI, to inline in an {@code <img>}. */
    public String qrPngDataUri() {
        return qrCode.pngDataUri(uri.toUriString());
    }

    /** The key URI as a QR code in Unicode half blocks, for a terminal (see {@link QrCode#terminalText}). */
    public String qrTerminalText() {
        return qrCode.terminalText(uri.toUriString());
    }

    /** User, issuer and parameters; never the secret nor the nonce. */
    @Override
    public String toString() {
        return "Enrollment[" + user + ", " + uri + "]";
    }
}
