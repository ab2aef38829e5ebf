package dev.rehearsal.core.internal.report;

import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Where Rehearsal's documentation is, as the build wrote it into {@code rehearsal.properties} from the pom's scm (the
 * version beside it is read by {@code ReportWriter.version()}, in the API package).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class BuildProperties {

    private static final Properties PROPERTIES = load();

    private BuildProperties() {
    }

    /** The documentation's address, ending with {@code /}: {@code docs/} of the repository the pom's scm names. */
    public static String docs() {
        return PROPERTIES.getProperty("docs", "https://github.com/rehearsal-dev/rehearsal/blob/main/docs/");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildProperties.class.getResourceAsStream("/dev/rehearsal/core/rehearsal.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a jar that cannot be read here fails elsewhere first; the links then use the default address
        }
        return p;
    }
}
