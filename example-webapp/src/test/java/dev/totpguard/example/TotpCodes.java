package dev.totpguard.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import dev.totpguard.Enrollment;
import dev.totpguard.TwoFactorService;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Totp;
import dev.totpguard.store.StoreException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jsoup.nodes.Element;

/**
 * The authenticator app of a test person: reads the QR code from the enrollment page with zxing, and computes
 * codes with {@link Totp} (the project's RFC 6238 engine, verified against the RFC vectors and oathtool). Remembers
 * the last step it used, because the server accepts every step only once: when the next usable step is not yet in
 * the server's window (one step ahead), it waits for the clock like a person would.
 */
public final class TotpCodes {

    private final Totp totp = Totp.builder().build();
    private final OtpAuthUri uri;
    private long lastUsedStep = Long.MIN_VALUE;

    private TotpCodes(OtpAuthUri uri) {
        this.uri = uri;
    }

    /** Scans the {@code <img>} whose alt text contains "QR code". */
    public static TotpCodes scan(WebClient.Page page) throws IOException, NotFoundException {
        Element image = page.document().select("img[alt*=QR code]").first();
        assertNotNull(image, "no <img> with alt text 'QR code' on " + page.uri());
        return fromImageSource(image.attr("src"));
    }

    /** Decodes the QR code of an {@code <img src="data:image/png;base64,...">}. */
    public static TotpCodes fromImageSource(String source) throws IOException, NotFoundException {
        String prefix = "data:image/png;base64,";
        assertEquals(prefix, source.substring(0, prefix.length()), "the QR code is inline PNG, never an outside URL");
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(source.substring(prefix.length()))));
        // Searching the image for the finder patterns, as a phone's scanner does (not PURE_BARCODE).
        String text = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(picture))),
                Map.of(DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE))).getText();
        return new TotpCodes(OtpAuthUri.parse(text));
    }

    /**
     * Enrolls {@code user} through the service directly (what the admin pages call), confirming with the previous
     * step's code, so the current and the next step's codes are still unused and inside the window. Returns the secret.
     */
    public static byte[] enrollThroughService(TwoFactorService service, String user, Totp totp) throws StoreException {
        Enrollment enrollment = service.startEnrollment(user);
        byte[] secret = enrollment.otpAuthUri().secret().bytes();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (service.confirmEnrollment(user, enrollment.nonce(), totp.generateAtStep(secret, totp.currentStep() - 1), "127.0.0.1")
                    .verification().isAccepted()) {
                return secret;
            }
        }
        throw new AssertionError("enrollment of " + user + " failed");
    }

    public OtpAuthUri uri() {
        return uri;
    }

    public String base32() {
        return uri.secret().toBase32();
    }

    /** A code the server has not seen yet, waiting for the next time step when needed. */
    public synchronized String next() throws InterruptedException {
        long current = totp.currentStep();
        long step = Math.max(lastUsedStep + 1, current);
        if (step > current + 1) {
            waitForStep(step - 1);
        }
        lastUsedStep = step;
        return totp.generateAtStep(uri.secret().bytes(), step);
    }

    /** The code of the step used last, for replay tests. */
    public synchronized String last() {
        return totp.generateAtStep(uri.secret().bytes(), lastUsedStep);
    }

    /** Records that a code of this step was used (for example by the enrollment). */
    public synchronized void used(String code) {
        long current = totp.currentStep();
        for (long step = current + 1; step >= current - 1; step--) {
            if (totp.generateAtStep(uri.secret().bytes(), step).equals(code)) {
                lastUsedStep = Math.max(lastUsedStep, step);
                return;
            }
        }
    }

    /** A well-formed code that matches no step of the server's window now or in the next minute. */
    public String wrong() {
        Set<String> near = new HashSet<>();
        long current = totp.currentStep();
        for (long step = current - 2; step <= current + 3; step++) {
            near.add(totp.generateAtStep(uri.secret().bytes(), step));
        }
        for (int candidate = 123456; ; candidate = (candidate + 111111) % 1_000_000) {
            String code = String.format("%06d", candidate);
            if (!near.contains(code)) {
                return code;
            }
        }
    }

    private void waitForStep(long step) throws InterruptedException {
        long startMillis = totp.parameters().t0().plusSeconds(step * totp.parameters().periodSeconds()).toEpochMilli();
        long wait = startMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait + 200);
        }
    }
}
