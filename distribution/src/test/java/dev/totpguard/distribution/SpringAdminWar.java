package dev.totpguard.distribution;

import dev.totpguard.distribution.springapp.AdminWebApplication;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.springframework.boot.loader.launch.WarLauncher;

/**
 * The {@link AdminWebApplication} as the WAR its team ships, in the layout of Spring Boot's repackager, so that one
 * file deploys to a container and runs with {@code java -jar}: the application's classes and
 * {@code application.properties} in {@code WEB-INF/classes}, its jars in {@code WEB-INF/lib}, the embedded Tomcat
 * in {@code WEB-INF/lib-provided} (which a container ignores), Boot's loader at the root. TOTP Guard is added as
 * filter/README.md says: the tomcat archive's {@code webapp/WEB-INF/lib} jars, and the README's properties.
 */
final class SpringAdminWar {

    private static final String CLASSES = "WEB-INF/classes/";
    private static final String APP_PACKAGE = AdminWebApplication.class.getPackageName().replace('.', '/');

    private SpringAdminWar() {
    }

    /** The jars the build copied for the application (maven-dependency-plugin, execution spring-war-lib*). */
    private static Path springJars() {
        return Path.of(System.getProperty("totpguard.spring-war.dir", "target/spring-war"));
    }

    /**
     * Writes the WAR to {@code war}.
     *
     * @param totpGuardJars the TOTP Guard jars to add to {@code WEB-INF/lib} (the archive's {@code webapp/WEB-INF/lib})
     * @param applicationProperties the WAR's {@code application.properties}
     */
    static void write(Path war, Path totpGuardJars, String applicationProperties) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, WarLauncher.class.getName());
        manifest.getMainAttributes().putValue("Start-Class", AdminWebApplication.class.getName());
        Set<String> names = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(war), manifest)) {
            names.add("META-INF/MANIFEST.MF");
            copyLoader(out, names);
            Path classes = Path.of(AdminWebApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.walk(classes.resolve(APP_PACKAGE))) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    put(out, names, CLASSES + classes.relativize(file).toString().replace('\\', '/'),
                            Files.readAllBytes(file), false);
                }
            }
            put(out, names, CLASSES + "application.properties", applicationProperties.getBytes(StandardCharsets.UTF_8), false);
            Set<String> artifacts = new HashSet<>();
            for (Path jar : jars(springJars().resolve("lib"))) {
                putJar(out, names, artifacts, "WEB-INF/lib/", jar);
            }
            for (Path jar : jars(totpGuardJars)) {
                putJar(out, names, artifacts, "WEB-INF/lib/", jar);
            }
            for (Path jar : jars(springJars().resolve("lib-provided"))) {
                putJar(out, names, artifacts, "WEB-INF/lib-provided/", jar);
            }
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new AssertionError(dir + " is missing: maven-dependency-plugin fills it in pre-integration-test");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** Boot's loader classes at the root of the WAR, as the repackager puts them. */
    private static void copyLoader(JarOutputStream out, Set<String> names) throws IOException, URISyntaxException {
        Path loader = Path.of(WarLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarInputStream in = new JarInputStream(Files.newInputStream(loader))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (!entry.isDirectory() && entry.getName().startsWith("org/springframework/boot/loader/")) {
                    put(out, names, entry.getName(), in.readAllBytes(), false);
                }
            }
        }
    }

    /**
     * A nested jar, stored uncompressed as Boot's loader requires. Two versions of one artifact would make the
     * class path depend on the order of the directory listing: refused, as an operator is told to keep one.
     */
    private static void putJar(JarOutputStream out, Set<String> names, Set<String> artifacts, String dir, Path jar)
            throws IOException {
        String file = jar.getFileName().toString();
        String artifact = file.replaceFirst("-\\d[^-]*(-[A-Za-z0-9.]+)?\\.jar$", "");
        if (names.contains(dir + file)) {
            return;
        }
        if (!artifacts.add(artifact)) {
            throw new AssertionError("two versions of " + artifact + " would go into the WAR (" + file + ")");
        }
        put(out, names, dir + file, Files.readAllBytes(jar), true);
    }

    private static void put(JarOutputStream out, Set<String> names, String name, byte[] content, boolean stored)
            throws IOException {
        if (!names.add(name)) {
            return;
        }
        // Directory entries too: Boot's launcher finds WEB-INF/classes/ by its entry.
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            String directory = name.substring(0, slash + 1);
            if (names.add(directory)) {
                out.putNextEntry(new JarEntry(directory));
                out.closeEntry();
            }
        }
        JarEntry entry = new JarEntry(name);
        if (stored) {
            CRC32 crc = new CRC32();
            crc.update(content);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(content.length);
            entry.setCompressedSize(content.length);
            entry.setCrc(crc.getValue());
        }
        out.putNextEntry(entry);
        out.write(content);
        out.closeEntry();
    }
}
