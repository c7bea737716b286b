package dev.totpguard.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.ChecksumException;
import com.google.zxing.EncodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.DetectorResult;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.Decoder;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.detector.Detector;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders text, typically an otpauth:// key URI, as a QR code (ISO/IEC 18004) for an authenticator app to
 * scan: PNG bytes, standalone SVG text, a {@code data:image/png;base64,...} URI to inline in a page, or Unicode
 * half blocks for a terminal.
 *
 * <p>Error correction level M (about 15 % of the symbol may be damaged) is fixed: it is what authenticator
 * apps and other TOTP issuers use, and it keeps a key URI small enough to scan from a laptop screen.
 * Every module is drawn as a whole number of pixels, centred in a square image of {@code size} pixels
 * (larger only when the symbol and its quiet zone need more), so the quiet zone is at least {@code margin}
 * modules wide. The symbol is one that zxing's own detector finds: when the mask zxing chose makes data
 * modules look like a finder pattern (about 1 symbol in 80), another mask is used, so scanners built on
 * zxing read it as well as others do.
 *
 * <p>The content usually holds a TOTP secret: it is rendered in memory only (never through an ImageIO
 * temporary file) and never appears in an exception message. Instances are immutable and thread-safe.
 */
public final class QrCode {

    /** Default image width and height in pixels. */
    public static final int DEFAULT_SIZE = 250;
    /** Default quiet zone in modules: the 4 modules ISO/IEC 18004 asks for. */
    public static final int DEFAULT_MARGIN = 4;
    /** Largest image side accepted, to bound memory per request. */
    public static final int MAX_SIZE = 4096;
    /** Largest quiet zone accepted, in modules. */
    public static final int MAX_MARGIN = 40;

    private static final ErrorCorrectionLevel ERROR_CORRECTION = ErrorCorrectionLevel.M;
    /** ISO/IEC 18004 defines masks 0 to 7. */
    private static final int MASK_PATTERNS = 8;
    /** Pixels per module of the drawing the detector check reads. */
    private static final int CHECK_SCALE = 4;

    private final int size;
    private final int margin;
    private final Map<EncodeHintType, Object> asciiHints;
    private final Map<EncodeHintType, Object> utf8Hints;

    private QrCode(Builder builder) {
        this.size = builder.size;
        this.margin = builder.margin;
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        hints.put(EncodeHintType.ERROR_CORRECTION, ERROR_CORRECTION);
        hints.put(EncodeHintType.MARGIN, margin);
        this.asciiHints = Collections.unmodifiableMap(new EnumMap<>(hints));
        // Only non-ASCII text gets a character set: naming one makes zxing write an ECI header, which some
        // older scanners do not understand, and an otpauth URI is ASCII (its label is percent-encoded).
        hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        this.utf8Hints = Collections.unmodifiableMap(hints);
        // Fail at start-up, not at the first enrollment, on a runtime without a PNG writer.
        pngWriter().dispose();
    }

    /** A builder with {@link #DEFAULT_SIZE} pixels and a {@link #DEFAULT_MARGIN}-module quiet zone. */
    public static Builder builder() {
        return new Builder();
    }

    /** The requested image width and height in pixels. */
    int size() {
        return size;
    }

    /** The quiet zone in modules. */
    int margin() {
        return margin;
    }

    /**
     * The QR code as a PNG image, black modules on white, {@code size} pixels square (or the smallest
     * size that holds one pixel per module if that is larger).
     *
     * @throws IllegalArgumentException if {@code content} is empty or too long for a QR code
     */
    public byte[] png(String content) {
        BitMatrix modules = modules(content);
        int side = modules.getWidth();
        int scale = Math.max(1, size / side);
        int imageSide = Math.max(size, side * scale);
        int offset = (imageSide - side * scale) / 2;

        BufferedImage image = new BufferedImage(imageSide, imageSide, BufferedImage.TYPE_BYTE_BINARY);
        WritableRaster raster = image.getRaster();
        int[] row = new int[imageSide];
        for (int y = 0; y < imageSide; y++) {
            int moduleY = y - offset;
            Arrays.fill(row, 1);
            if (moduleY >= 0 && moduleY < side * scale) {
                for (int moduleX = 0; moduleX < side; moduleX++) {
                    if (modules.get(moduleX, moduleY / scale)) {
                        int start = offset + moduleX * scale;
                        Arrays.fill(row, start, start + scale, 0);
                    }
                }
            }
            raster.setSamples(0, y, imageSide, 1, 0, row);
        }
        return encodePng(image);
    }

    /**
     * The QR code as a standalone SVG document: a white background and all dark modules as one
     * {@code <path>}, in a {@code viewBox} of one unit per module, displayed at {@code size} pixels.
     *
     * @throws IllegalArgumentException if {@code content} is empty or too long for a QR code
     */
    public String svg(String content) {
        BitMatrix modules = modules(content);
        int side = modules.getWidth();
        StringBuilder path = new StringBuilder(side * side);
        for (int y = 0; y < side; y++) {
            int x = 0;
            while (x < side) {
                if (!modules.get(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < side && modules.get(x, y)) {
                    x++;
                }
                // One rectangle per horizontal run of dark modules keeps the path short.
                path.append('M').append(start).append(' ').append(y)
                        .append('h').append(x - start).append("v1h-").append(x - start).append('z');
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
                + " width=\"" + size + "\" height=\"" + size + "\""
                + " viewBox=\"0 0 " + side + ' ' + side + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#ffffff\"/>"
                + "<path fill=\"#000000\" d=\"" + path + "\"/>"
                + "</svg>";
    }

    /**
     * The PNG as a {@code data:image/png;base64,...} URI for an {@code <img src>}, so the QR code is served
     * inline with the page and never from a URL that could be cached, logged or sent to a third party.
     *
     * @throws IllegalArgumentException if {@code content} is empty or too long for a QR code
     */
    public String pngDataUri(String content) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(content));
    }

    /**
     * The QR code as lines of text for a terminal with light text on a dark background (most terminals): each
     * character is two modules stacked, drawn with the Unicode half blocks {@code U+2580 U+2584 U+2588}, light modules
     * (and the quiet zone) as the text colour and dark ones as the background, as {@code qrencode -t UTF8} does. The
     * {@code size} does not apply; the quiet zone is {@code margin} modules.
     *
     * @throws IllegalArgumentException if {@code content} is empty or too long for a QR code
     */
    public String terminalText(String content) {
        BitMatrix modules = modules(content);
        int side = modules.getWidth();
        StringBuilder text = new StringBuilder((side + 1) * (side + 1) / 2);
        for (int y = 0; y < side; y += 2) {
            for (int x = 0; x < side; x++) {
                boolean topLight = !modules.get(x, y);
                // An odd last row pairs with one more row of quiet zone.
                boolean bottomLight = y + 1 >= side || !modules.get(x, y + 1);
                text.append(topLight ? (bottomLight ? '\u2588' : '\u2580') : (bottomLight ? '\u2584' : ' '));
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "QrCode[" + size + " px, margin " + margin + ", error correction " + ERROR_CORRECTION + "]";
    }

    /** The symbol with its quiet zone, one bit per module. */
    private BitMatrix modules(String content) {
        Objects.requireNonNull(content, "content");
        if (content.isEmpty()) {
            throw new IllegalArgumentException("QR code content must not be empty");
        }
        Map<EncodeHintType, Object> hints = isAscii(content) ? asciiHints : utf8Hints;
        try {
            BitMatrix symbol = encode(content, hints);
            if (isFoundByZxing(symbol, content)) {
                return symbol;
            }
            // zxing's own finder-pattern search misses about 1 in 80 symbols of key URIs with random secrets (data
            // modules that look like a finder pattern), at every scale, where zbar reads them; readers built on
            // zxing could then not scan the enrollment code. Another of the eight masks moves those modules.
            for (int mask = 0; mask < MASK_PATTERNS; mask++) {
                Map<EncodeHintType, Object> withMask = new EnumMap<>(hints);
                withMask.put(EncodeHintType.QR_MASK_PATTERN, mask);
                BitMatrix masked = encode(content, withMask);
                if (isFoundByZxing(masked, content)) {
                    return masked;
                }
            }
            return symbol;
        } catch (WriterException e) {
            // The content is usually a key URI with the secret in it: the message must not repeat it.
            throw new IllegalArgumentException("QR code content of " + content.length()
                    + " characters cannot be encoded at error correction level M (too long?)", e);
        }
    }

    private static BitMatrix encode(String content, Map<EncodeHintType, Object> hints) throws WriterException {
        // Width and height 0 ask zxing for one pixel per module: the scaling is done here, so every
        // module has the same whole number of pixels and scanners see sharp edges.
        return new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, 0, 0, hints);
    }

    /** Whether zxing's detector finds the symbol, drawn at a few pixels per module, and decodes the content from it. */
    private static boolean isFoundByZxing(BitMatrix symbol, String content) {
        int side = symbol.getWidth();
        BitMatrix drawn = new BitMatrix(side * CHECK_SCALE);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                if (symbol.get(x, y)) {
                    drawn.setRegion(x * CHECK_SCALE, y * CHECK_SCALE, CHECK_SCALE, CHECK_SCALE);
                }
            }
        }
        try {
            DetectorResult found = new Detector(drawn).detect();
            return content.equals(new Decoder().decode(found.getBits()).getText());
        } catch (NotFoundException | FormatException | ChecksumException e) {
            return false;
        }
    }

    private static boolean isAscii(String content) {
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static byte[] encodePng(BufferedImage image) {
        ImageWriter writer = pngWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        // ImageIO.write would buffer through a temporary file when ImageIO's cache is on (the default),
        // leaving the secret on disk; a memory-cached stream keeps it in the heap.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding to memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static ImageWriter pngWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("This Java runtime has no javax.imageio PNG writer");
        }
        return writers.next();
    }

    /** Builds a {@link QrCode}; each setter refuses a bad value at once, naming it. */
    public static final class Builder {
        private int size = DEFAULT_SIZE;
        private int margin = DEFAULT_MARGIN;

        private Builder() {
        }

        /**
         * Image width and height in pixels (1 to {@value QrCode#MAX_SIZE}); default {@value QrCode#DEFAULT_SIZE}.
         * The symbol is scaled to the largest whole number of pixels per module that fits.
         */
        public Builder size(int pixels) {
            if (pixels < 1 || pixels > MAX_SIZE) {
                throw new IllegalArgumentException("QR code size must be from 1 to " + MAX_SIZE + " pixels, not " + pixels);
            }
            this.size = pixels;
            return this;
        }

        /** Quiet zone around the symbol in modules (0 to {@value QrCode#MAX_MARGIN}); default {@value QrCode#DEFAULT_MARGIN}. */
        public Builder margin(int modules) {
            if (modules < 0 || modules > MAX_MARGIN) {
                throw new IllegalArgumentException("QR code margin must be from 0 to " + MAX_MARGIN + " modules, not " + modules);
            }
            this.margin = modules;
            return this;
        }

        /** @throws IllegalStateException if the runtime cannot write PNG images */
        public QrCode build() {
            return new QrCode(this);
        }
    }
}
