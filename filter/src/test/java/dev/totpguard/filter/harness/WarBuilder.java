package dev.totpguard.filter.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Lays out an exploded WAR in a temporary directory: a given web.xml, the static files of the test
 * application, and a WEB-INF/lib with the jars of the given classes (a class path directory, as under
 * surefire, is packed into a jar first), the way a team would drop TOTP Guard into an existing WAR.
 */
public final class WarBuilder {

    private WarBuilder() {
    }

    public static Path build(String webXml, List<Class<?>> libraries) throws IOException {
        Path war = Files.createTempDirectory("totpguard-dropin-war");
        Path webInf = Files.createDirectories(war.resolve("WEB-INF"));
        Files.writeString(webInf.resolve("web.xml"), webXml);
        Path lib = Files.createDirectories(webInf.resolve("lib"));
        copyTree(WebContainer.TEST_WEBAPP.resolve("ops"), war.resolve("ops"));
        int index = 0;
        for (Class<?> library : libraries) {
            Path location = locationOf(library);
            Path target = lib.resolve(String.format("%02d-%s.jar", index++, library.getSimpleName().toLowerCase()));
            if (Files.isDirectory(location)) {
                jar(location, target);
            } else {
                Files.copy(location, target);
            }
        }
        return war;
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + type, e);
        }
    }

    private static void jar(Path directory, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out);
                Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                jar.putNextEntry(new JarEntry(directory.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jar);
                jar.closeEntry();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** Deletes a directory tree made by {@link #build}. */
    public static void delete(Path war) throws IOException {
        try (Stream<Path> files = Files.walk(war)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
