import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a folder that {@code mvn deploy} wrote (a Maven repository layout) against what Maven Central requires of a
 * release, signatures aside (a release signs with maven-gpg-plugin, docs/releasing.md):
 * <ul>
 *   <li>release coordinates: no {@code -SNAPSHOT}, no unresolved {@code ${...}};</li>
 *   <li>for each jar: its {@code -sources.jar} and {@code -javadoc.jar}, not empty;</li>
 *   <li>for every file: {@code .md5} and {@code .sha1} that match it;</li>
 *   <li>in every pom, itself or through the parents in the folder: name, description, url, a license with a name and
 *       a URL, a developer, and scm with url and connection; a parent that is in the folder.</li>
 * </ul>
 * Also, as the bundles Rehearsal publishes must: Rehearsal's LICENSE and NOTICE, THIRD-PARTY.txt and the bundled
 * components' license files inside the command line's self-contained jar.
 *
 * <p>Usage: {@code java .ci/CentralBundleCheck.java <folder> <groupId:artifactId>...}: each coordinate named must be in
 * the folder. Exits 1 naming each problem, file by file.
 */
public class CentralBundleCheck {

    private final List<String> problems = new ArrayList<>();
    private final Path root;

    CentralBundleCheck(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java CentralBundleCheck.java <deployed folder> <groupId:artifactId>...");
            System.exit(2);
        }
        CentralBundleCheck check = new CentralBundleCheck(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            check.artifact(args[i]);
        }
        if (!check.problems.isEmpty()) {
            System.err.println("The bundle at " + args[0] + " does not meet Maven Central's requirements:");
            check.problems.forEach(p -> System.err.println("  - " + p));
            System.exit(1);
        }
        System.out.println("Central bundle check: " + (args.length - 1) + " artifacts at " + args[0]
                + " meet Maven Central's requirements (signatures aside)");
    }

    void artifact(String coordinates) throws Exception {
        String[] ga = coordinates.split(":");
        Path dir = root.resolve(ga[0].replace('.', '/')).resolve(ga[1]);
        List<Path> versions;
        try (var list = Files.list(dir)) {
            versions = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            problems.add(coordinates + ": not deployed (no " + dir + ")");
            return;
        }
        if (versions.size() != 1) {
            problems.add(coordinates + ": expected one version in " + dir + ", found " + versions);
            return;
        }
        Path versionDir = versions.get(0);
        String version = versionDir.getFileName().toString();
        if (version.endsWith("-SNAPSHOT") || version.contains("${")) {
            problems.add(coordinates + ": version " + version + " is not a release version");
        }
        String base = ga[1] + "-" + version;
        Path pom = versionDir.resolve(base + ".pom");
        if (!Files.isRegularFile(pom)) {
            problems.add(coordinates + ": no " + pom.getFileName());
            return;
        }
        try (var files = Files.list(versionDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".md5") && !name.endsWith(".sha1") && !name.endsWith(".asc")
                        && !name.startsWith("maven-metadata")) {
                    checksum(f, "md5", "MD5");
                    checksum(f, "sha1", "SHA-1");
                }
            }
        }
        Element project = parse(pom);
        String packaging = text(project, "packaging", "jar");
        if (!packaging.equals("pom")) {
            for (String classifier : List.of("", "-sources", "-javadoc")) {
                Path jar = versionDir.resolve(base + classifier + ".jar");
                if (!Files.isRegularFile(jar)) {
                    problems.add(coordinates + ": no " + jar.getFileName() + " (Central requires the jar, its sources"
                            + " and its Javadoc)");
                } else {
                    jarContent(coordinates, jar, classifier);
                }
            }
        }
        metadata(coordinates, pom, project);
        Path all = versionDir.resolve(base + "-all.jar");
        if (Files.isRegularFile(all)) {
            bundledLicenses(coordinates, all);
        }
    }

    private void checksum(Path file, String extension, String algorithm) throws Exception {
        Path sum = file.resolveSibling(file.getFileName() + "." + extension);
        if (!Files.isRegularFile(sum)) {
            problems.add(root.relativize(file) + ": no ." + extension + " checksum");
            return;
        }
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
        String written = Files.readString(sum).trim().split("\\s+")[0];
        if (!written.equalsIgnoreCase(expected)) {
            problems.add(root.relativize(sum) + ": says " + written + ", the file's " + algorithm + " is " + expected);
        }
    }

    private void jarContent(String coordinates, Path jar, String classifier) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            boolean any = zip.stream().anyMatch(e -> classifier.equals("-sources") ? e.getName().endsWith(".java")
                    : classifier.equals("-javadoc") ? e.getName().equals("index.html") : e.getName().endsWith(".class"));
            if (!any) {
                problems.add(coordinates + ": " + jar.getFileName() + " holds no " + (classifier.equals("-sources")
                        ? "Java sources" : classifier.equals("-javadoc") ? "Javadoc (index.html)" : "classes"));
            }
        }
    }

    /** The elements Central requires, from the pom or the nearest parent in the folder that has them. */
    private void metadata(String coordinates, Path pom, Element project) throws Exception {
        List<Element> chain = new ArrayList<>(List.of(project));
        Element current = project;
        while (child(current, "parent") != null) {
            Element parent = child(current, "parent");
            Path parentPom = root.resolve(text(parent, "groupId", "").replace('.', '/'))
                    .resolve(text(parent, "artifactId", "")).resolve(text(parent, "version", ""))
                    .resolve(text(parent, "artifactId", "") + "-" + text(parent, "version", "") + ".pom");
            if (!Files.isRegularFile(parentPom)) {
                problems.add(coordinates + ": its parent " + text(parent, "artifactId", "?") + " is not in the bundle");
                break;
            }
            current = parse(parentPom);
            chain.add(current);
        }
        for (String required : List.of("name", "description", "url")) {
            if (chain.stream().map(e -> text(e, required, "")).allMatch(String::isBlank)) {
                problems.add(coordinates + ": " + pom.getFileName() + " has no <" + required + ">");
            }
        }
        if (text(project, "version", text(child(project, "parent"), "version", "")).contains("${")) {
            problems.add(coordinates + ": " + pom.getFileName() + " has an unresolved version");
        }
        Element licenses = first(chain, "licenses");
        Element license = licenses == null ? null : child(licenses, "license");
        if (license == null || text(license, "name", "").isBlank() || text(license, "url", "").isBlank()) {
            problems.add(coordinates + ": no <license> with a name and a URL");
        }
        Element developers = first(chain, "developers");
        Element developer = developers == null ? null : child(developers, "developer");
        if (developer == null || text(developer, "name", "").isBlank() && text(developer, "id", "").isBlank()) {
            problems.add(coordinates + ": no <developer> with a name or id");
        }
        Element scm = first(chain, "scm");
        if (scm == null || text(scm, "url", "").isBlank() || text(scm, "connection", "").isBlank()) {
            problems.add(coordinates + ": no <scm> with a url and a connection");
        }
    }

    private void bundledLicenses(String coordinates, Path all) throws IOException {
        try (ZipFile zip = new ZipFile(all.toFile())) {
            for (String name : List.of("META-INF/LICENSE", "META-INF/NOTICE", "META-INF/THIRD-PARTY.txt",
                    "META-INF/third-party/PostgreSQL.txt")) {
                ZipEntry e = zip.getEntry(name);
                if (e == null) {
                    problems.add(coordinates + ": " + all.getFileName() + " has no " + name);
                }
            }
            ZipEntry license = zip.getEntry("META-INF/LICENSE");
            if (license != null) {
                try (InputStream in = zip.getInputStream(license)) {
                    if (!new String(in.readAllBytes()).contains("Apache License")) {
                        problems.add(coordinates + ": " + all.getFileName() + "'s META-INF/LICENSE is not Rehearsal's"
                                + " (Apache-2.0): a dependency's won");
                    }
                }
            }
            if (zip.stream().noneMatch(e -> e.getName().startsWith("META-INF/third-party/")
                    && e.getName().substring(e.getName().lastIndexOf('/') + 1).toUpperCase().startsWith("LICEN"))) {
                problems.add(coordinates + ": " + all.getFileName() + " holds no bundled component's license file");
            }
        }
    }

    private static Element first(List<Element> chain, String name) {
        return chain.stream().map(e -> child(e, name)).filter(e -> e != null).findFirst().orElse(null);
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        return doc.getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name, String otherwise) {
        Element e = child(parent, name);
        return e == null ? otherwise : e.getTextContent().trim();
    }
}
