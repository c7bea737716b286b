package dev.totpguard.benchmarks;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.TotpParameters;
import dev.totpguard.qr.QrCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering the enrollment QR code of a typical otpauth:// key URI (160-bit secret, issuer and account):
 * zxing's encoding to a module matrix with the hints {@link QrCode} uses (error correction M, 4-module
 * quiet zone), then {@link QrCode#png} at 250 px and {@link QrCode#svg}, each of which includes the
 * encoding. Done once per enrollment, never per login.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Djava.awt.headless=true"})
@State(Scope.Benchmark)
public class QrCodeBenchmark {

    private String keyUri;
    private QrCode qrCode;
    private Map<EncodeHintType, Object> hints;

    @Setup
    public void setUp() {
        Secret secret = Secret.of(TotpCase.SHA1_6.key());
        keyUri = OtpAuthUri.of("TOTP Guard", "alice@example.com", secret, TotpParameters.DEFAULT).toUriString();
        qrCode = QrCode.builder().size(250).build();
        hints = new EnumMap<>(EncodeHintType.class);
        hints.put(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
        hints.put(EncodeHintType.MARGIN, QrCode.DEFAULT_MARGIN);
    }

    @Benchmark
    public BitMatrix encodeMatrix() throws WriterException {
        return new QRCodeWriter().encode(keyUri, BarcodeFormat.QR_CODE, 0, 0, hints);
    }

    @Benchmark
    public byte[] png250() {
        return qrCode.png(keyUri);
    }

    @Benchmark
    public String svg() {
        return qrCode.svg(keyUri);
    }
}
