package dev.totpguard.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.testkit.ExternalRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interoperability with an independent QR decoder: Debian's {@code zbarimg} (ZBar) reads the PNG that
 * {@link QrCode} writes and must return the exact otpauth URI.
 */
class ZbarimgInteropTest {

    @TempDir
    Path directory;

    @BeforeEach
    void zbarimgIsInstalled() {
        ExternalRequirement.assumeCommand("zbarimg", "zbar-tools");
    }

    static Stream<Arguments> enrollments() {
        SecureRandom random = new SecureRandom();
        return Stream.of(
                Arguments.of(OtpAuthUri.of("TOTP Guard", "alice@example.com", Secret.generate(random, 20), TotpParameters.DEFAULT), 250, 4),
                Arguments.of(OtpAuthUri.of("Acme Web+Shop Zürich", "bob smith", Secret.generate(random, 32),
                        TotpParameters.builder().algorithm(HmacAlgorithm.SHA256).digits(8).periodSeconds(60).build()), 300, 4),
                Arguments.of(OtpAuthUri.of("Big Corp", "carol", Secret.generate(random, 64),
                        TotpParameters.builder().algorithm(HmacAlgorithm.SHA512).digits(7).periodSeconds(45).build()), 500, 2),
                Arguments.of(OtpAuthUri.of("Small", "dave", Secret.generate(random, 16), TotpParameters.DEFAULT), 120, 10));
    }

    @ParameterizedTest(name = "{0} at {1} px, margin {2}")
    @MethodSource("enrollments")
    void zbarimgReadsTheExactOtpAuthUri(OtpAuthUri uri, int size, int margin) throws IOException {
        String expected = uri.toUriString();
        Path png = directory.resolve("enrollment.png");
        Files.write(png, QrCode.builder().size(size).margin(margin).build().png(expected));

        String decoded = ExternalRequirement.run("zbarimg", "--raw", "-q", png.toString());

        assertEquals(expected + "\n", decoded);
        assertEquals(uri, OtpAuthUri.parse(decoded.strip()));
    }
}
