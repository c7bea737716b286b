package dev.totpguard.internal.web;

import dev.totpguard.otp.HmacAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

/**
 * What a TOTP policy means for the popular authenticator apps, said on the enrollment pages before the user picks an
 * app: Microsoft Authenticator and Authy generate SHA-1, 6-digit, 30-second codes whatever the QR code says; Google
 * Authenticator on Android ignores the period, and some of its versions the algorithm. Only the defaults of RFC 6238
 * as the apps read it (SHA-1, 6 digits, 30 seconds) work in every app, so any other choice gets a note. Stateless.
 */
public final class AppCompatibility {

    private AppCompatibility() {
    }

    /** Whether every popular app computes the right codes: SHA-1, 6 digits, 30 seconds. */
    public static boolean suitsEveryApp(HmacAlgorithm algorithm, int digits, int periodSeconds) {
        return algorithm == HmacAlgorithm.SHA1 && digits == 6 && periodSeconds == 30;
    }

    /**
     * The note for these parameters, from {@code bundle}'s {@code enroll.compatibility.*} texts, or {@code null} when
     * {@link #suitsEveryApp every app suits them}.
     */
    public static String warning(ResourceBundle bundle, HmacAlgorithm algorithm, int digits, int periodSeconds) {
        if (suitsEveryApp(algorithm, digits, periodSeconds)) {
            return null;
        }
        List<String> sentences = new ArrayList<>();
        sentences.add(Messages.text(bundle, "enroll.compatibility.apps", displayName(algorithm), digits, periodSeconds));
        if (periodSeconds != 30) {
            sentences.add(Messages.text(bundle, "enroll.compatibility.google.period"));
        }
        if (algorithm != HmacAlgorithm.SHA1) {
            sentences.add(Messages.text(bundle, "enroll.compatibility.google.algorithm"));
        }
        sentences.add(Messages.text(bundle, "enroll.compatibility.choose"));
        return String.join(" ", sentences);
    }

    /** {@code SHA-1}, {@code SHA-256}, {@code SHA-512}: as the apps' settings and the standards write them. */
    static String displayName(HmacAlgorithm algorithm) {
        return algorithm.uriName().replace("SHA", "SHA-");
    }
}
