package dev.rehearsal.core.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which of core's packages may depend on which, read from the compiled classes (so fully qualified references count
 * as much as imports): the internal packages form no cycle, the model and the engine SPI reach no internal package,
 * the checks do not know the engine that runs them, only the engine registry names the engines, no public package
 * reaches an internal one (they ask {@code CoreRuntime} and {@code EngineSupport}, which core's implementation
 * provides through {@link java.util.ServiceLoader}), and the API and the internal packages form no cycle.
 */
class ArchitectureTest {

    private static final Pattern INTERNAL = Pattern.compile("dev\\.rehearsal\\.core\\.internal\\.(\\w+)");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.rehearsal.core");

    @Test
    void internalPackagesDependOnEachOtherWithoutCycles() {
        slices().matching("dev.rehearsal.core.internal.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void theModelTheSettingsAndTheEngineSpiReachNoInternalPackage() {
        noClasses().that().resideInAnyPackage("dev.rehearsal.core.schema..", "dev.rehearsal.core.locks..",
                        "dev.rehearsal.core.data..", "dev.rehearsal.core.estimate..", "dev.rehearsal.core.flyway..",
                        "dev.rehearsal.core.config..", "dev.rehearsal.core.db..")
                .should().dependOnClassesThat().resideInAPackage("dev.rehearsal.core.internal..")
                .check(CORE);
    }

    @Test
    void checksAfterAPhaseDoNotKnowTheEngineThatRunsThem() {
        noClasses().that().resideInAPackage("dev.rehearsal.core.internal.checks..")
                .should().dependOnClassesThat().resideInAPackage("dev.rehearsal.core.internal.roundtrip..")
                .check(CORE);
    }

    @Test
    void onlyTheEngineRegistryAndTheEnginesThemselvesNameAnEnginesClasses() {
        noClasses().that().resideOutsideOfPackages("dev.rehearsal.core.internal.engines..",
                        "dev.rehearsal.core.internal.postgres..", "dev.rehearsal.core.internal.mariadb..",
                        "dev.rehearsal.core.internal.containers..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.rehearsal.core.internal.postgres..",
                        "dev.rehearsal.core.internal.mariadb..", "dev.rehearsal.core.internal.containers..")
                .check(CORE);
    }

    @Test
    void noPublicPackageReachesAnInternalOne() {
        noClasses().that().resideOutsideOfPackage("dev.rehearsal.core.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.rehearsal.core.internal..")
                .check(CORE);
    }

    /**
     * The public API (the model, the settings, the SPI and the facade, whose packages refer to each other: a
     * {@code Migration} names its {@code MigrationVersion}, a {@code Dialect} reads a {@code SchemaSnapshot}) taken as one
     * slice, and each internal package as a slice of its own: the implementation depends on the API and on internal
     * packages below it, never back.
     */
    @Test
    void theApiAndTheInternalPackagesFormNoCycle() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                Matcher internal = INTERNAL.matcher(javaClass.getPackageName());
                return internal.lookingAt() ? SliceIdentifier.of("internal." + internal.group(1))
                        : javaClass.getPackageName().startsWith("dev.rehearsal.core") ? SliceIdentifier.of("public API")
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "core's public API as one slice, each internal package a slice of its own";
            }
        }).should().beFreeOfCycles().check(CORE);
    }
}
