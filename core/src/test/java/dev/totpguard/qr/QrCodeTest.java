package dev.totpguard.qr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.Result;
import com.google.zxing.ResultMetadataType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.totpguard.otp.HmacAlgorithm;
import dev.totpguard.otp.OtpAuthUri;
import dev.totpguard.otp.Secret;
import dev.totpguard.otp.TotpParameters;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class QrCodeTest {

    private static final Secret SECRET = Secret.generate(new SecureRandom(), 20);
    private static final String URI = OtpAuthUri.of("TOTP Guard", "alice@example.com", SECRET, TotpParameters.DEFAULT).toUriString();

    @Test
    void pngDecodesBackToTheSameOtpAuthUri() throws Exception {
        byte[] png = QrCode.builder().build().png(URI);

        Result decoded = decode(ImageIO.read(new ByteArrayInputStream(png)));

        assertEquals(URI, decoded.getText());
        assertEquals(OtpAuthUri.parse(URI), OtpAuthUri.parse(decoded.getText()));
    }

    /**
     * Key URIs whose symbol, with the mask zxing's encoder chooses, zxing's own detector cannot find at any scale
     * (data modules that look like a finder pattern; about 1 random secret in 80), though zbarimg reads them. QrCode
     * then draws them with another mask.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "otpauth://totp/TOTP%20Guard%20example:admin3?secret=R3DS4L7SNILY4OY4OBTKYJPP2TE7ZQZB&issuer=TOTP%20Guard%20example&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/TOTP%20Guard%20example:admin6?secret=SAQC5EPY4V7VSFI5PVCMHCL7G7MWZDDT&issuer=TOTP%20Guard%20example&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/TOTP%20Guard%20example:admin5?secret=EW2HD7DEPFOUGLY5N66ZADQJVPIPYTHI&issuer=TOTP%20Guard%20example&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/TOTP%20Guard%20example:admin6?secret=32LOVKAWVBYTTDI62ROIAHJB7WVZP4J7&issuer=TOTP%20Guard%20example&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/TOTP%20Guard%20example:admin2?secret=3FMZAHT6X4NJ5EY2TNZNFXUUH27ARKHO&issuer=TOTP%20Guard%20example&algorithm=SHA1&digits=6&period=30"})
    void symbolsZxingsDetectorWouldMissAreDrawnWithAMaskItFinds(String uri) throws Exception {
        for (int size : new int[] {250, 400}) {
            assertEquals(uri, decode(ImageIO.read(new ByteArrayInputStream(QrCode.builder().size(size).build().png(uri)))).getText());
        }
        String svg = QrCode.builder().build().svg(uri);
        String d = svg.substring(svg.indexOf(" d=\"") + 4, svg.lastIndexOf('"'));
        assertEquals(uri, decode(rasterise(viewBoxSide(svg), d, 6)).getText(), "the SVG too");
    }

    @Test
    void nonDefaultParametersSurviveTheRoundTrip() throws Exception {
        TotpParameters parameters = TotpParameters.builder().algorithm(HmacAlgorithm.SHA512).digits(8).periodSeconds(60).build();
        String uri = OtpAuthUri.of("Big Corp", "bob", Secret.generate(new SecureRandom(), 64), parameters).toUriString();

        String decoded = decode(ImageIO.read(new ByteArrayInputStream(QrCode.builder().size(400).build().png(uri)))).getText();

        assertEquals(uri, decoded);
        assertEquals(parameters, OtpAuthUri.parse(decoded).parameters());
    }

    @Test
    void errorCorrectionLevelIsM() throws Exception {
        Result decoded = decode(ImageIO.read(new ByteArrayInputStream(QrCode.builder().build().png(URI))));

        assertEquals("M", decoded.getResultMetadata().get(ResultMetadataType.ERROR_CORRECTION_LEVEL));
    }

    @ParameterizedTest
    @ValueSource(ints = {150, 250, 301, 512})
    void imageHasTheConfiguredSize(int size) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCode.builder().size(size).build().png(URI)));

        assertEquals(size, image.getWidth());
        assertEquals(size, image.getHeight());
    }

    @Test
    void tooSmallSizeGrowsToOnePixelPerModule() throws IOException {
        QrCode tiny = QrCode.builder().size(1).build();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(tiny.png(URI)));

        assertEquals(viewBoxSide(tiny.svg(URI)), image.getWidth());
        assertEquals(image.getWidth(), image.getHeight());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 10})
    void quietZoneIsAtLeastTheMarginOnEverySide(int margin) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCode.builder().size(300).margin(margin).build().png(URI)));

        int[] box = darkBoundingBox(image);
        int left = box[0];
        int top = box[1];
        int right = box[2];
        int bottom = box[3];
        // The top row of the top-left finder pattern is 7 dark modules followed by a light separator.
        int run = 0;
        while (isDark(image, left + run, top)) {
            run++;
        }
        assertEquals(0, run % 7, "finder pattern run of " + run + " px is not 7 modules");
        int modulePixels = run / 7;
        int quietZone = margin * modulePixels;
        assertTrue(left >= quietZone, "left quiet zone " + left + " px < " + quietZone);
        assertTrue(top >= quietZone, "top quiet zone " + top + " px < " + quietZone);
        assertTrue(image.getWidth() - 1 - right >= quietZone, "right quiet zone too small");
        assertTrue(image.getHeight() - 1 - bottom >= quietZone, "bottom quiet zone too small");
        assertEquals(left, top, "symbol is centred");
    }

    @Test
    void marginAddsThatManyModulesOnEachSide() {
        int withoutMargin = viewBoxSide(QrCode.builder().margin(0).build().svg(URI));
        int withDefaultMargin = viewBoxSide(QrCode.builder().build().svg(URI));

        assertEquals(withoutMargin + 2 * QrCode.DEFAULT_MARGIN, withDefaultMargin);
    }

    @Test
    void svgIsOneStandalonePathThatDecodesToTheSameUri() throws Exception {
        String svg = QrCode.builder().size(320).build().svg(URI);

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        Element root = document.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        assertEquals("320", root.getAttribute("width"));
        assertEquals(1, document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength());

        String d = ((Element) document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").item(0)).getAttribute("d");
        assertEquals(URI, decode(rasterise(viewBoxSide(svg), d, 6)).getText());
    }

    @Test
    void terminalTextShownOnADarkTerminalDecodesToTheSameUri() throws Exception {
        String text = QrCode.builder().build().terminalText(URI);
        String[] lines = text.split("\n");
        int side = lines[0].length();
        assertTrue(text.chars().allMatch(c -> c == '\n' || c == ' ' || c == 0x2580 || c == 0x2584 || c == 0x2588), text);
        assertEquals(side, viewBoxSide(QrCode.builder().build().svg(URI)), "one column per module");
        assertEquals((side + 1) / 2, lines.length, "two modules per line");

        // A terminal with light text on black: a glyph's upper or lower half is lit, the rest stays dark.
        int scale = 4;
        BufferedImage screen = new BufferedImage(side * scale, lines.length * 2 * scale, BufferedImage.TYPE_INT_RGB);
        for (int row = 0; row < lines.length; row++) {
            assertEquals(side, lines[row].length(), "line " + row);
            for (int x = 0; x < side; x++) {
                char glyph = lines[row].charAt(x);
                boolean upper = glyph == 0x2580 || glyph == 0x2588;
                boolean lower = glyph == 0x2584 || glyph == 0x2588;
                for (int dy = 0; dy < 2 * scale; dy++) {
                    boolean lit = dy < scale ? upper : lower;
                    for (int dx = 0; dx < scale; dx++) {
                        screen.setRGB(x * scale + dx, (row * 2) * scale + dy, lit ? 0xffffff : 0x000000);
                    }
                }
            }
        }
        assertEquals(URI, decode(screen).getText());
    }

    @Test
    void dataUriCarriesThePngInline() {
        QrCode qr = QrCode.builder().build();

        String dataUri = qr.pngDataUri(URI);

        assertTrue(dataUri.startsWith("data:image/png;base64,"));
        byte[] png = Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length()));
        assertArrayEquals(qr.png(URI), png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void pngCarriesTheSecretOnlyInsideTheSymbol() {
        byte[] png = QrCode.builder().build().png(URI);

        String asLatin1 = new String(png, StandardCharsets.ISO_8859_1);
        assertFalse(asLatin1.contains(SECRET.toBase32()), "the secret is stored as PNG text");
        assertFalse(asLatin1.contains("otpauth"), "the URI is stored as PNG text");
    }

    @Test
    void nonAsciiTextRoundTripsAsUtf8() throws Exception {
        String text = "Zürich – 東京 ✓";

        assertEquals(text, decode(ImageIO.read(new ByteArrayInputStream(QrCode.builder().build().png(text)))).getText());
    }

    @Test
    void emptyContentIsRefused() {
        QrCode qr = QrCode.builder().build();

        assertThrows(IllegalArgumentException.class, () -> qr.png(""));
        assertThrows(IllegalArgumentException.class, () -> qr.svg(""));
        assertThrows(NullPointerException.class, () -> qr.png(null));
    }

    @Test
    void contentTooLongForAQrCodeIsRefusedWithoutRepeatingIt() {
        String secretLooking = "otpauth://totp/x:y?secret=" + "JBSWY3DPEHPK3PXP".repeat(300);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> QrCode.builder().build().png(secretLooking));

        assertFalse(refused.getMessage().contains("JBSWY3DP"), refused.getMessage());
    }

    @Test
    void builderRefusesSizesAndMarginsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> QrCode.builder().size(0));
        assertThrows(IllegalArgumentException.class, () -> QrCode.builder().size(QrCode.MAX_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> QrCode.builder().margin(-1));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> QrCode.builder().margin(QrCode.MAX_MARGIN + 1));
        assertTrue(refused.getMessage().contains("margin"), refused.getMessage());
    }

    private static Result decode(BufferedImage image) throws NotFoundException, ChecksumException, FormatException {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        // Searching the image for the finder patterns, as a scanner does with a photo (not PURE_BARCODE).
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
    }

    private static int viewBoxSide(String svg) {
        Matcher viewBox = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        assertTrue(viewBox.find(), "svg has a viewBox");
        assertEquals(viewBox.group(1), viewBox.group(2));
        return Integer.parseInt(viewBox.group(1));
    }

    /** Draws the path's rectangles (the subset of SVG path syntax QrCode writes) on white. */
    private static BufferedImage rasterise(int side, String d, int scale) {
        BufferedImage image = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, 0xffffff);
            }
        }
        Matcher run = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z").matcher(d);
        int consumed = 0;
        while (run.find()) {
            assertEquals(consumed, run.start(), "path holds only rectangles");
            consumed = run.end();
            int x0 = Integer.parseInt(run.group(1));
            int y0 = Integer.parseInt(run.group(2));
            int width = Integer.parseInt(run.group(3));
            assertEquals(width, Integer.parseInt(run.group(4)));
            for (int y = y0 * scale; y < (y0 + 1) * scale; y++) {
                for (int x = x0 * scale; x < (x0 + width) * scale; x++) {
                    image.setRGB(x, y, 0);
                }
            }
        }
        assertEquals(d.length(), consumed, "path holds only rectangles");
        return image;
    }

    private static boolean isDark(BufferedImage image, int x, int y) {
        return x < image.getWidth() && (image.getRGB(x, y) & 0xffffff) == 0;
    }

    /** {left, top, right, bottom} of the dark pixels, inclusive. */
    private static int[] darkBoundingBox(BufferedImage image) {
        int left = Integer.MAX_VALUE;
        int top = Integer.MAX_VALUE;
        int right = -1;
        int bottom = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (isDark(image, x, y)) {
                    left = Math.min(left, x);
                    top = Math.min(top, y);
                    right = Math.max(right, x);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        assertTrue(right >= 0, "image has dark modules");
        return new int[] {left, top, right, bottom};
    }
}
