package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.core.config.ProviderChoice;
import dev.rehearsal.core.config.Setting;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.report.ReportFormat;
import dev.rehearsal.junit.AtVersion;
import dev.rehearsal.junit.FromSnapshot;
import dev.rehearsal.junit.LockBudget;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Provider;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.snapshots.DataSnapshot;
import dev.rehearsal.snapshots.GoldenMode;
import dev.rehearsal.snapshots.GoldenSchemas;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The extension behind {@link MigrationTest}: resolves {@link Rehearsal} and {@link DataSource} parameters with one
 * throwaway database per test (per class for {@code @BeforeAll} methods), kept in the extension context's store and
 * closed when that context ends (a {@link StoredResource}, which every supported JUnit closes). The shared embedded
 * server is stopped when the whole test run ends.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RehearsalExtension implements ParameterResolver {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RehearsalExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == Rehearsal.class || type == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        DefaultRehearsal rehearsal = rehearsal(context);
        return parameterContext.getParameter().getType() == DataSource.class ? rehearsal.dataSource() : rehearsal;
    }

    private DefaultRehearsal rehearsal(ExtensionContext context) {
        MigrationTest annotation = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), MigrationTest.class)
                .orElseThrow(() -> new ExtensionConfigurationException(
                        "Rehearsal parameters need @MigrationTest on " + context.getRequiredTestClass().getName()));
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(DefaultRehearsal.class, k -> open(annotation, context),
                DefaultRehearsal.class);
    }

    /**
     * Which migrations are new, asked of git once, when the first risks test needs it: from the working directory
     * (the build's project folder), with the settings the command line reads.
     */
    private static Supplier<NewMigrations> newMigrations(
            MigrationRehearsal core, Configuration configuration) {
        NewMigrations[] once = new NewMigrations[1];
        return () -> {
            synchronized (once) {
                if (once[0] == null) {
                    once[0] = NewMigrations.of(core.history(),
                            configuration.text(Setting.RISKS_SINCE).orElse(null),
                            configuration.text(Setting.RISKS_BASE).orElse(null), Path.of("").toAbsolutePath(),
                            System.getenv());
                }
                return once[0];
            }
        };
    }

    private static DefaultRehearsal open(MigrationTest annotation, ExtensionContext context) {
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        Configuration configuration;
        RehearsalSettings settings;
        Set<ReportFormat> formats;
        MigrationRehearsal core;
        try {
            configuration = configuration(context);
            settings = SettingsResolver.resolve(annotation, context, configuration);
            formats = configuration.reportFormats(); // bad formats and estimate settings fail before any database starts
            configuration.estimateSettings();
            core = MigrationRehearsal.start(settings, provider(context, configuration), loader);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Rehearsal could not start for " + context.getDisplayName()
                    + ":\n" + e.getMessage(), e);
        }
        String target = context.getStore(NAMESPACE).get(MatrixExtension.TARGET, String.class);
        // one report per matrix invocation: the target (an engine, a URL, an image) goes into the file name
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("")
                + (target == null ? "" : "." + reportSuffix(target));
        GoldenSchemas golden = goldenSchemas(configuration, annotation.goldenFiles(), core, target != null);
        if (goldenActive(configuration, golden)) {
            core.checkEachUp(golden);
        }
        Optional<LockBudget> budget = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, LockBudget.class))
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), LockBudget.class));
        if (budget.isPresent() && budget.get().atProductionVolume()) {
            core.budgetsAtProductionVolume(configuration.volumes(JUnitConfiguration.annotatedVolumes(context)), configuration.estimateSettings());
        }
        ReportOutput output = new ReportOutput(Path.of(configuration.text(Setting.REPORT_DIR)
                .orElse(Setting.REPORT_DIR.documentedDefault())), name, formats, System.out,
                configuration.environment("GITHUB_ACTIONS").map("true"::equalsIgnoreCase).orElse(false));
        Supplier<NewMigrations> judged = newMigrations(core, configuration);
        core.production(judged, configuration.volumes(JUnitConfiguration.annotatedVolumes(context)));
        DefaultRehearsal rehearsal = new DefaultRehearsal(core, output, golden,
                () -> configuration.volumes(JUnitConfiguration.annotatedVolumes(context)), configuration::estimateSettings)
                .judging(judged).onlyNew(configuration.bool(Setting.ONLY_NEW, false),
                        configuration.bool(Setting.ONLY_NEW_KEEP_BASE, false));
        try {
            restoreSnapshot(core, context);
        } catch (RuntimeException e) {
            rehearsal.close();
            throw new ParameterResolutionException("@FromSnapshot on " + context.getDisplayName() + " failed:\n"
                    + e.getMessage(), e);
        }
        try {
            applyFixtures(core, context);
        } catch (RuntimeException | AssertionError e) {
            rehearsal.close();
            throw new ParameterResolutionException("@AtVersion on " + context.getDisplayName() + " failed:\n"
                    + e.getMessage(), e);
        }
        return rehearsal;
    }

    /**
     * The schema golden files of a test: {@code @MigrationTest(goldenFiles)} or {@code rehearsal.snapshots.dir} (one folder per engine in a matrix, named by
     * the engine's id), written as {@link GoldenMode#of} says from {@code rehearsal.snapshots.update} and {@code CI}.
     */
    static GoldenSchemas goldenSchemas(Configuration configuration, String annotationDir, MigrationRehearsal core,
                                       boolean matrix) {
        Path dir = Path.of(configuration.text(annotationDir, Setting.SNAPSHOTS_DIR)
                .orElse(Setting.SNAPSHOTS_DIR.documentedDefault()));
        if (matrix) {
            dir = dir.resolve(core.database().dialect().engine().id());
        }
        Map<String, String> ci = configuration.environment("CI").map(v -> Map.of("CI", v)).orElse(Map.of());
        return GoldenSchemas.in(dir, GoldenMode.of(configuration.bool(Setting.SNAPSHOTS_UPDATE, false), ci));
    }

    /**
     * Whether round trips compare with golden files: {@code rehearsal.snapshots.schema=on}, or {@code auto} (the
     * default) when the folder exists or an update asks for files to be written.
     */
    static boolean goldenActive(Configuration configuration, GoldenSchemas golden) {
        return switch (configuration.text(Setting.SNAPSHOTS_SCHEMA).orElse("auto").toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> Files.isDirectory(golden.dir()) || golden.mode() == GoldenMode.UPDATE;
        };
    }

    /**
     * A matrix target as part of a report's file name: without the URL's account and parameters (a password may be
     * among them), and only characters every file system takes.
     */
    static String reportSuffix(String target) {
        return target.replaceFirst("\\?.*$", "").replaceFirst("//[^/@]*@", "//").replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /** Restores the method's {@link FromSnapshot}, else the class's, into the test's database. */
    private static void restoreSnapshot(MigrationRehearsal core, ExtensionContext context) {
        Optional<FromSnapshot> from = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, FromSnapshot.class))
                .or(() -> context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, FromSnapshot.class)));
        if (from.isEmpty()) {
            return;
        }
        try (DataSnapshot snapshot = DataSnapshot.open(from.get().value(), context.getRequiredTestClass().getClassLoader())) {
            snapshot.restoreInto(core);
        }
    }

    /** Migrates to each {@link AtVersion} of the test method, in version order, and inserts its fixture there. */
    private static void applyFixtures(MigrationRehearsal core, ExtensionContext context) {
        List<AtVersion> fixtures = context.getTestMethod()
                .map(m -> AnnotationSupport.findRepeatableAnnotations(m, AtVersion.class)).orElse(List.of());
        List<AtVersion> ordered = fixtures.stream()
                .sorted(Comparator.comparing(a -> core.migration(a.value()).version())).toList();
        for (AtVersion at : ordered) {
            core.migrateTo(at.value());
            if (!at.fixture().isBlank()) {
                core.loadFixture(at.fixture());
            }
        }
    }

    /**
     * The provider for a test: its matrix target when it is a {@link dev.rehearsal.junit.MigrationMatrix} invocation,
     * else the first of the class's {@link MigrationTest#engines()}, else what the settings name (an image, a server
     * URL of any engine, or the embedded PostgreSQL).
     */
    private static DatabaseProvider provider(ExtensionContext context, Configuration configuration) {
        String matrixTarget = context.getStore(NAMESPACE).get(MatrixExtension.TARGET, String.class);
        if (matrixTarget != null) {
            return provider(context, configuration, matrixTarget);
        }
        List<Engine> engines = engines(context);
        return forEngine(context, configuration, engines.isEmpty() ? null : engines.get(0));
    }

    /**
     * The test's validated configuration.
     *
     * @throws RehearsalException naming an unknown {@code rehearsal.*} key or a malformed value
     */
    static Configuration configuration(ExtensionContext context) {
        return JUnitConfiguration.of(context);
    }

    /** The engines the test class declares, in order; empty when it declares none. */
    static List<Engine> engines(ExtensionContext context) {
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, MigrationTest.class))
                .map(a -> List.of(a.engines())).orElse(List.of());
    }

    /** The provider for a matrix target: {@code embedded}, {@code postgres}, {@code mariadb}, a JDBC URL or {@code docker:<image>}. */
    static DatabaseProvider provider(ExtensionContext context, Configuration configuration, String target) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        if (MatrixExtension.EMBEDDED.equals(target)) {
            return DatabaseProviders.embeddedPostgres();
        }
        Optional<Engine> engine = Engine.ofId(target);
        if (engine.isPresent()) {
            return forEngine(context, configuration, engine.get());
        }
        if (target.startsWith("docker:")) {
            return DatabaseProviders.container(target.substring("docker:".length()));
        }
        if (!target.startsWith("jdbc:")) {
            throw MatrixExtension.badTarget(target);
        }
        return server(context, configuration, target);
    }

    /**
     * The provider for one engine as the settings and {@link MigrationTest#provider()} say; {@code engine} null when
     * the class names none (then any engine a URL or image names will do).
     */
    private static DatabaseProvider forEngine(ExtensionContext context, Configuration configuration, Engine engine) {
        Optional<MigrationTest> test = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, MigrationTest.class));
        ProviderChoice.Kind declared = ProviderChoice.Kind.parse(test.map(MigrationTest::provider).orElse(Provider.AUTO).name());
        return ProviderChoice.select(configuration, declared, test.map(MigrationTest::image).orElse(""), engine,
                url -> server(context, configuration, url));
    }

    static final String DEFAULT_POSTGRES_IMAGE = ProviderChoice.DEFAULT_POSTGRES_IMAGE;

    /**
     * Throwaway databases on a named server: one provider per URL and user for the whole run, closed (dropping what
     * is left) when the run ends. The account comes from {@code rehearsal.jdbc.user} / {@code rehearsal.jdbc.password}
     * (MariaDB: {@code rehearsal.mariadb.user} / {@code rehearsal.mariadb.password} first), else the environment
     * ({@code REHEARSAL_JDBC_USER}, {@code REHEARSAL_MARIADB_USER}, ...), else the URL's own.
     */
    private static DatabaseProvider server(ExtensionContext context, Configuration configuration, String url) {
        String[] account = ProviderChoice.account(configuration, url);
        String user = account[0];
        String password = account[1];
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedServer.class, k -> new SharedServer(), SharedServer.class);
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("server:" + url + "|" + user,
                k -> new ServerProvider(DatabaseProviders.server(url, user, password)), ServerProvider.class).provider;
    }

    /** A server provider held in the root store, so that it closes when the run ends. */
    private static final class ServerProvider implements StoredResource {
        final DatabaseProvider provider;

        ServerProvider(DatabaseProvider provider) {
            this.provider = provider;
        }

        @Override
        public void close() {
            provider.close();
        }
    }

    /** Stops the JVM's shared embedded server when the test run's root context closes. */
    private static final class SharedServer implements StoredResource {
        @Override
        public void close() {
            try {
                DatabaseProviders.stopContainers();
            } finally {
                DatabaseProviders.stopSharedEmbeddedPostgres();
            }
        }
    }
}
