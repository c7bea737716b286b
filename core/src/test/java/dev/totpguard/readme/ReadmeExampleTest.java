package dev.totpguard.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.Totp;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.qr.QrCode;
import dev.totpguard.recovery.RecoveryCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the README's core example true: the same code runs here, and the README must show it verbatim. */
class ReadmeExampleTest {

    private static final String BEGIN = "// README example begin";
    private static final String END = "// README example end";

    @Test
    void readmeExampleRuns() {
        // README example begin
        // Enrollment: a new secret, shown as a QR code and as a key to type by hand.
        Secret secret = Secret.generate();                                    // 160 bits from SecureRandom
        OtpAuthUri uri = OtpAuthUri.of("Example", "alice@example.com", secret, TotpParameters.DEFAULT);
        String qrImage = QrCode.builder().build().pngDataUri(uri.toUriString()); // <img src=...>, inline
        String manualKey = secret.toGroupedBase32();                          // "ABCD EFGH IJKL ..."

        // Login: check the code the user typed; keep the matched step so that code cannot be used again.
        String typedCode = "123 456";                                         // from the login form
        long lastUsedStep = Totp.NO_STEP_USED;                                // load it from your store
        Totp totp = Totp.builder().build();                                   // SHA-1, 6 digits, 30 s, +-1 step
        OptionalLong step = totp.verify(secret.bytes(), typedCode, lastUsedStep);
        if (step.isPresent()) {
            lastUsedStep = step.getAsLong();                                  // save it (compare-and-set)
        }

        // Recovery codes: show them once, keep only the salted hashes.
        RecoveryCodes recovery = RecoveryCodes.builder().build();
        List<String> codes = recovery.generate();                             // 10 x "xxxxx-xxxxx"
        List<String> hashes = codes.stream().map(recovery::hash).collect(Collectors.toList());
        String typedRecoveryCode = "ABCDE-FGHJK";                             // from the login form
        int used = recovery.match(typedRecoveryCode, hashes);                 // index to delete, or -1
        // README example end

        assertTrue(qrImage.startsWith("data:image/png;base64,"));
        assertEquals(uri, OtpAuthUri.parse(uri.toUriString()));
        assertEquals(secret, Secret.fromBase32(manualKey));
        // The placeholder inputs match only by a one-in-a-million chance; real ones match exactly once.
        assertEquals(step.isPresent() ? step.getAsLong() : Totp.NO_STEP_USED, lastUsedStep);
        String rightCode = totp.generate(secret.bytes());
        long matched = totp.verify(secret.bytes(), rightCode, Totp.NO_STEP_USED).orElseThrow();
        assertTrue(totp.verify(secret.bytes(), rightCode, matched).isEmpty(), "replay refused");
        assertEquals(codes.indexOf(typedRecoveryCode.toLowerCase(Locale.ROOT)), used);
        assertEquals(10, codes.size());
        assertEquals(3, recovery.match(codes.get(3).toUpperCase(Locale.ROOT), hashes));
    }

    @Test
    void readmeShowsExactlyThisExample() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/totpguard/readme/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        int begin = indexOfTrimmed(source, BEGIN);
        int end = indexOfTrimmed(source, END);
        String indent = source.get(begin).substring(0, source.get(begin).indexOf(BEGIN));
        String example = source.subList(begin + 1, end).stream()
                .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line.strip())
                .collect(Collectors.joining("\n"));

        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);

        assertTrue(readme.contains("```java\n" + example + "\n```"),
                "README.md must show the example of ReadmeExampleTest verbatim in a ```java block:\n" + example);
    }

    private static int indexOfTrimmed(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("marker not found: " + marker);
    }
}
