import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;

/**
 * Writes the command line's packages for npm and pip from a staged platform folder (the jar without PostgreSQL
 * binaries, that platform's PostgreSQL jar, and a jlink runtime), run by the cli module's dist profile with the JDK's
 * source launcher:
 * <ul>
 *   <li>{@code rehearsal-migrations-<version>.tgz}: the npm front package, whose {@code bin} is a JavaScript launcher,
 *       with every platform package as an optional dependency selected by {@code os}, {@code cpu} and {@code libc};</li>
 *   <li>{@code rehearsal-migrations-<platform>-<version>.tgz}: the npm platform package;</li>
 *   <li>{@code rehearsal_migrations-<pyversion>-py3-none-<tag>.whl}: the wheel for the platform, and
 *       {@code rehearsal_migrations-<pyversion>.tar.gz}, the source distribution pip falls back to where no wheel
 *       fits, whose build fails the install naming the platform.</li>
 * </ul>
 * Archives are written with fixed times and sorted entries, executables keep their mode (npm and pip both carry it
 * to the installed files), and the wheel's RECORD holds every file's sha256, as the wheel format requires.
 * Arguments: version, platform key, staging folder, dist sources folder, launcher script, output folder.
 */
public final class Packages {

    static final String NAME = "rehearsal-migrations";
    static final String MODULE = "rehearsal_migrations";

    /** A platform a package can be built for: npm's os, cpu and libc, and the wheel's platform tag. */
    record Platform(String key, String os, String cpu, String libc, String wheelTag, String jna, String label) {
    }

    static final List<Platform> PLATFORMS = List.of(
            new Platform("linux-x64-gnu", "linux", "x64", "glibc", "manylinux_2_%s_x86_64", "linux-x86-64", "Linux x86-64 (glibc)"),
            new Platform("linux-arm64-gnu", "linux", "arm64", "glibc", "manylinux_2_%s_aarch64", "linux-aarch64", "Linux ARM64 (glibc)"),
            new Platform("linux-x64-musl", "linux", "x64", "musl", "musllinux_1_2_x86_64", "linux-x86-64", "Linux x86-64 (musl)"),
            new Platform("darwin-x64", "darwin", "x64", null, "macosx_11_0_x86_64", "darwin-x86-64", "macOS x86-64"),
            new Platform("darwin-arm64", "darwin", "arm64", null, "macosx_11_0_arm64", "darwin-aarch64", "macOS ARM64"),
            new Platform("win32-x64", "win32", "x64", null, "win_amd64", "win32-x86-64", "Windows x86-64"));

    /**
     * zlib's default level for the packages' deflate: level 9 takes more than twice its time over the 260 MB a package
     * holds (most of it the command line's jar, stored, and the runtime) for 0.5% less to download.
     */
    private static final int LEVEL = 6;
    private static final long FIXED_TIME = 499162500000L; // npm's own fixed time for packed files: 1985-10-26
    private static final Pattern GLIBC = Pattern.compile("GLIBC_2\\.(\\d+)");

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: Packages <version> <platform> <staging> <sources> <launcher> <out>");
        }
        String version = args[0];
        Platform platform = PLATFORMS.stream().filter(p -> p.key().equals(args[1])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown platform " + args[1] + "; known: "
                        + PLATFORMS.stream().map(Platform::key).collect(Collectors.joining(", "))));
        Path staging = Path.of(args[2]);
        Path sources = Path.of(args[3]);
        Path launcher = Path.of(args[4]);
        Path out = Files.createDirectories(Path.of(args[5]));
        Map<String, Path> payload = payload(staging, launcher, platform);
        Map<String, Path> legal = legal(staging);
        Map<String, Path> own = new TreeMap<>(legal);
        own.keySet().retainAll(List.of("LICENSE", "NOTICE"));
        payload.putAll(legal);
        String readme = Files.readString(sources.resolve("README.md"));

        Map<String, byte[]> front = new TreeMap<>();
        front.put("package.json", text(frontPackageJson(version)));
        front.put("README.md", text(readme));
        front.put("bin/rehearsal.js", Files.readAllBytes(sources.resolve("npm/rehearsal.js")));
        front.put("bin/install.js", Files.readAllBytes(sources.resolve("npm/install.js")));
        front.put("bin/platform.js", Files.readAllBytes(sources.resolve("npm/platform.js")));
        write(out.resolve(NAME + "-" + version + ".tgz"), front, own);

        int glibc = platform.libc() != null && platform.libc().equals("glibc") ? glibcMinor(staging) : 0;
        Map<String, byte[]> platformFiles = new TreeMap<>();
        platformFiles.put("package.json", text(platformPackageJson(version, platform, glibc)));
        platformFiles.put("README.md", text(readme));
        Map<String, Path> platformPayload = new TreeMap<>(payload);
        write(out.resolve(NAME + "-" + platform.key() + "-" + version + ".tgz"), platformFiles, platformPayload);

        String pyVersion = pythonVersion(version);
        String tag = platform.wheelTag().contains("%s") ? String.format(platform.wheelTag(), glibc)
                : platform.wheelTag();
        wheel(out, pyVersion, tag, sources, readme, platform, payload);
        refusingSdist(out, pyVersion, sources, own);
    }

    /**
     * The source distribution pip falls back to where no wheel fits (another platform, an older glibc than the
     * wheel's tag names): building it fails at install, in one line naming the platform and what to use instead.
     */
    static void refusingSdist(Path out, String version, Path sources, Map<String, Path> legal) throws IOException {
        String root = MODULE + "-" + version + "/";
        Map<String, byte[]> files = new TreeMap<>();
        files.put(root + "PKG-INFO", text("Metadata-Version: 2.1\nName: " + NAME + "\nVersion: " + version
                + "\nSummary: Rehearses database migrations on a throwaway database: the rehearsal command\n"
                + "License: Apache-2.0\n"));
        files.put(root + "pyproject.toml", text("[build-system]\nrequires = []\nbuild-backend = \"unsupported_platform\"\n"
                + "backend-path = [\".\"]\n\n[project]\nname = \"" + NAME + "\"\nversion = \"" + version + "\"\n"));
        files.put(root + "unsupported_platform.py", text(Files.readString(sources.resolve("python/unsupported_platform.py"))
                .replace("@VERSION@", version)));
        for (Map.Entry<String, Path> e : legal.entrySet()) {
            files.put(root + e.getKey(), Files.readAllBytes(e.getValue()));
        }
        write(out.resolve(MODULE + "-" + version + ".tar.gz"), "", files, Map.of());
    }

    /**
     * Rehearsal's LICENSE and NOTICE, and what the jar bundles: THIRD-PARTY.txt (each dependency and its license) and
     * third-party/ (the license and notice files each ships), staged by the dist profile from the jar's META-INF.
     */
    static Map<String, Path> legal(Path staging) throws IOException {
        Path folder = staging.resolve("legal");
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(f).toString().replace('\\', '/'), f);
            }
        }
        for (String needed : List.of("LICENSE", "NOTICE", "THIRD-PARTY.txt")) {
            if (!files.containsKey(needed)) {
                throw new IllegalStateException(folder.resolve(needed) + " is missing: the dist profile stages it");
            }
        }
        return files;
    }

    /** The files of a platform package, by their path in it: the launcher, the jars and the runtime. */
    static Map<String, Path> payload(Path staging, Path launcher, Platform platform) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        files.put("bin/rehearsal", launcher);
        files.put("lib/rehearsal.jar", stored(staging.resolve("rehearsal.jar"), staging.resolve("stored"),
                platform));
        files.put("lib/postgres.jar", staging.resolve("postgres.jar"));
        Path runtime = staging.resolve("runtime");
        try (Stream<Path> walk = Files.walk(runtime)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put("runtime/" + runtime.relativize(f).toString().replace('\\', '/'), f);
            }
        }
        for (Map.Entry<String, Path> e : files.entrySet()) {
            if (!Files.isRegularFile(e.getValue())) {
                throw new IllegalStateException(e.getValue() + " is missing: the dist profile stages it before this");
            }
        }
        return files;
    }

    /**
     * The jar with its entries stored, not deflated: the package's own compression then works across all its classes
     * at once (a third smaller to download than the jar's per-entry deflate), and the JVM reads classes without
     * inflating them. JNA's native libraries for other platforms are left out.
     */
    static Path stored(Path jar, Path folder, Platform platform) throws IOException {
        Pattern otherNative = Pattern.compile("com/sun/jna/(?!" + Pattern.quote(platform.jna())
                + "/)[a-z0-9-]+/[^/]+\\.(so|a|dll|jnilib)");
        Path target = Files.createDirectories(folder).resolve(jar.getFileName());
        try (ZipFile in = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            out.setMethod(ZipOutputStream.STORED);
            for (ZipEntry e : Collections.list(in.entries())) {
                if (otherNative.matcher(e.getName()).matches()) {
                    continue;
                }
                byte[] content = in.getInputStream(e).readAllBytes();
                ZipEntry copy = new ZipEntry(e.getName());
                CRC32 crc = new CRC32();
                crc.update(content);
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(content.length);
                copy.setCompressedSize(content.length);
                copy.setCrc(crc.getValue());
                copy.setTime(FIXED_TIME);
                out.putNextEntry(copy);
                out.write(content);
                out.closeEntry();
            }
        }
        return target;
    }

    static String frontPackageJson(String version) {
        String optional = PLATFORMS.stream().map(p -> "    \"" + NAME + "-" + p.key() + "\": \"" + version + "\"")
                .collect(Collectors.joining(",\n"));
        return "{\n"
                + "  \"name\": \"" + NAME + "\",\n"
                + "  \"version\": \"" + version + "\",\n"
                + "  \"description\": \"Rehearses database migrations (up, down, up again) on a throwaway database"
                + " before they reach production: the rehearsal command, with its own Java runtime\",\n"
                + "  \"license\": \"Apache-2.0\",\n"
                + "  \"keywords\": [\"migrations\", \"database\", \"postgresql\", \"mariadb\", \"alembic\", \"knex\","
                + " \"golang-migrate\", \"testing\"],\n"
                + "  \"bin\": {\n    \"rehearsal\": \"bin/rehearsal.js\"\n  },\n"
                + "  \"scripts\": {\n    \"postinstall\": \"node bin/install.js\"\n  },\n"
                + "  \"engines\": {\n    \"node\": \">=16\"\n  },\n"
                + "  \"optionalDependencies\": {\n" + optional + "\n  }\n"
                + "}\n";
    }

    static String platformPackageJson(String version, Platform p, int glibcMinor) {
        return "{\n"
                + "  \"name\": \"" + NAME + "-" + p.key() + "\",\n"
                + "  \"version\": \"" + version + "\",\n"
                + "  \"description\": \"The rehearsal command for " + p.label() + ": its Java runtime, the command"
                + " line's jar and the embedded PostgreSQL; installed by " + NAME + "\",\n"
                + "  \"license\": \"Apache-2.0\",\n"
                + "  \"preferUnplugged\": true,\n"
                + "  \"os\": [\"" + p.os() + "\"],\n"
                + "  \"cpu\": [\"" + p.cpu() + "\"]" + (p.libc() == null ? "" : ",\n  \"libc\": [\"" + p.libc() + "\"]")
                + (glibcMinor == 0 ? "" : ",\n  \"rehearsal\": {\"glibc\": \"2." + glibcMinor + "\"}")
                + "\n}\n";
    }

    /** Python's form of a Maven version: 0.1.0-SNAPSHOT is 0.1.0.dev0, 1.2.0-RC1 is 1.2.0rc1. */
    static String pythonVersion(String maven) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)*)(?:-(SNAPSHOT|alpha-?(\\d+)|beta-?(\\d+)|RC-?(\\d+)))?",
                Pattern.CASE_INSENSITIVE).matcher(maven);
        if (!m.matches()) {
            throw new IllegalArgumentException("version " + maven + " has no Python form: use N.N.N, with -SNAPSHOT,"
                    + " -alphaN, -betaN or -RCN");
        }
        String base = m.group(1);
        if (m.group(2) == null) {
            return base;
        }
        if (m.group(2).equalsIgnoreCase("SNAPSHOT")) {
            return base + ".dev0";
        }
        return base + (m.group(3) != null ? "a" + m.group(3) : m.group(4) != null ? "b" + m.group(4) : "rc" + m.group(5));
    }

    /**
     * The newest glibc symbol version the package's binaries ask for, the Java runtime's and the embedded PostgreSQL's
     * (in {@code postgres.jar}'s xz tarball): the wheel's manylinux tag and the npm package's {@code glibc} name it.
     */
    static int glibcMinor(Path staging) throws IOException {
        int newest = 17;
        try (Stream<Path> walk = Files.walk(staging.resolve("runtime"))) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".so") || f.getParent().getFileName().toString().equals("bin")) {
                    newest = Math.max(newest, newestGlibc(Files.readAllBytes(f)));
                }
            }
        }
        try (ZipFile jar = new ZipFile(staging.resolve("postgres.jar").toFile())) {
            for (ZipEntry e : Collections.list(jar.entries())) {
                if (e.getName().endsWith(".txz")) {
                    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
                            jar.getInputStream(e)))) {
                        for (TarArchiveEntry t = tar.getNextEntry(); t != null; t = tar.getNextEntry()) {
                            if (t.isFile()) {
                                newest = Math.max(newest, newestGlibc(tar.readAllBytes()));
                            }
                        }
                    }
                }
            }
        }
        return newest;
    }

    private static int newestGlibc(byte[] binary) {
        int newest = 0;
        Matcher m = GLIBC.matcher(new String(binary, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            newest = Math.max(newest, Integer.parseInt(m.group(1)));
        }
        return newest;
    }

    /** The platform's wheel: the launcher module, its payload under {@code rehearsal_migrations/_dist}. */
    static void wheel(Path out, String version, String tag, Path sources, String readme, Platform platform,
                      Map<String, Path> payload) throws IOException {
        String distInfo = MODULE + "-" + version + ".dist-info/";
        Map<String, byte[]> files = new TreeMap<>();
        String init = Files.readString(sources.resolve("python/__init__.py")).replace("@VERSION@", version);
        files.put(MODULE + "/__init__.py", text(init));
        files.put(MODULE + "/__main__.py", Files.readAllBytes(sources.resolve("python/__main__.py")));
        files.put(MODULE + "/_dist/PLATFORM", text(platform.key() + "\n" + platform.label() + "\n"));
        files.put(distInfo + "METADATA", text("Metadata-Version: 2.1\nName: " + NAME + "\nVersion: " + version
                + "\nSummary: Rehearses database migrations (up, down, up again) on a throwaway database before they"
                + " reach production: the rehearsal command, with its own Java runtime\nLicense: Apache-2.0\n"
                + "License-File: LICENSE\nLicense-File: NOTICE\nLicense-File: THIRD-PARTY.txt\n"
                + "Requires-Python: >=3.8\nDescription-Content-Type: text/markdown\n\n" + readme));
        files.put(distInfo + "WHEEL", text("Wheel-Version: 1.0\nGenerator: rehearsal Packages.java\nRoot-Is-Purelib: false\n"
                + "Tag: py3-none-" + tag + "\n"));
        files.put(distInfo + "entry_points.txt", text("[console_scripts]\nrehearsal = " + MODULE + ":main\n"));
        Map<String, Path> placed = new TreeMap<>();
        payload.forEach((path, file) -> placed.put(isLegal(path) ? distInfo + "licenses/" + path
                : MODULE + "/_dist/" + path, file));

        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            record.append(e.getKey()).append(",sha256=").append(sha256(e.getValue())).append(',')
                    .append(e.getValue().length).append('\n');
        }
        for (Map.Entry<String, Path> e : placed.entrySet()) {
            record.append(e.getKey()).append(",sha256=").append(sha256(e.getValue())).append(',')
                    .append(Files.size(e.getValue())).append('\n');
        }
        record.append(distInfo).append("RECORD,,\n");
        Map<String, byte[]> withRecord = new LinkedHashMap<>(files);
        withRecord.put(distInfo + "RECORD", text(record.toString()));
        // the wheel format asks for dist-info last, RECORD last of all
        Map<String, byte[]> head = new TreeMap<>();
        Map<String, byte[]> tail = new TreeMap<>();
        withRecord.forEach((k, v) -> (k.startsWith(distInfo) ? tail : head).put(k, v));
        Path whl = out.resolve(MODULE + "-" + version + "-py3-none-" + tag + ".whl");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(Files.newOutputStream(whl))) {
            zip.setLevel(LEVEL);
            for (Map.Entry<String, byte[]> e : head.entrySet()) {
                zipEntry(zip, e.getKey(), 0644, e.getValue());
            }
            for (Map.Entry<String, Path> e : placed.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
                entry.setUnixMode(0100000 | mode(e.getValue(), e.getKey()));
                entry.setTime(FIXED_TIME);
                zip.putArchiveEntry(entry);
                Files.copy(e.getValue(), zip);
                zip.closeArchiveEntry();
            }
            for (String k : List.of("METADATA", "WHEEL", "entry_points.txt", "RECORD")) {
                zipEntry(zip, distInfo + k, 0644, tail.get(distInfo + k));
            }
        }
    }

    /** Whether a package path is one of the legal files ({@link #legal}), which a wheel keeps in its dist-info. */
    static boolean isLegal(String path) {
        return path.equals("LICENSE") || path.equals("NOTICE") || path.equals("THIRD-PARTY.txt")
                || path.startsWith("third-party/");
    }

    private static void zipEntry(ZipArchiveOutputStream zip, String name, int mode, byte[] content) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(0100000 | mode);
        entry.setTime(FIXED_TIME);
        zip.putArchiveEntry(entry);
        zip.write(content);
        zip.closeArchiveEntry();
    }

    /** An npm package tarball: every file under {@code package/}. */
    static void write(Path tgz, Map<String, byte[]> generated, Map<String, Path> files) throws IOException {
        write(tgz, "package/", generated, files);
    }

    /** A tar.gz with every file under {@code prefix}. */
    static void write(Path tgz, String prefix, Map<String, byte[]> generated, Map<String, Path> files)
            throws IOException {
        List<String> names = new ArrayList<>(generated.keySet());
        names.addAll(files.keySet());
        names.sort(null);
        try (OutputStream raw = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(raw, gzip()))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String name : names) {
                byte[] content = generated.containsKey(name) ? generated.get(name) : null;
                Path file = files.get(name);
                TarArchiveEntry entry = new TarArchiveEntry(prefix + name);
                entry.setModTime(FIXED_TIME);
                entry.setMode(0100000 | (content != null ? (name.startsWith("bin/") ? 0755 : 0644)
                        : mode(file, name)));
                entry.setSize(content != null ? content.length : Files.size(file));
                tar.putArchiveEntry(entry);
                if (content != null) {
                    tar.write(content);
                } else {
                    Files.copy(file, tar);
                }
                tar.closeArchiveEntry();
            }
        }
    }

    private static GzipParameters gzip() {
        var parameters = new GzipParameters();
        parameters.setCompressionLevel(LEVEL);
        return parameters;
    }

    /** 0755 for the launcher and the runtime's executables (as jlink made them), else 0644. */
    private static int mode(Path file, String name) throws IOException {
        if (name.endsWith("bin/rehearsal")) {
            return 0755;
        }
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
        } catch (UnsupportedOperationException e) {
            return name.contains("/bin/") || name.endsWith("/jspawnhelper") ? 0755 : 0644;
        }
    }

    private static String sha256(byte[] content) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
