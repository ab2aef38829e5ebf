package dev.rehearsal.core.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which of core's packages may depend on which, read from the compiled classes (so fully qualified references count
 * as much as imports): the internal packages form no cycle, the model and the engine SPI reach no internal package,
 * the checks do not know the engine that runs them, only the engine registry names the engines, no public package
 * reaches an internal one (they ask {@code CoreRuntime} and {@code EngineSupport}, which core's implementation
 * provides through {@link java.util.ServiceLoader}), no two packages depend on each other, and the migration tools are
 * plug-ins: no tool package reaches another, and only the tool registry names one.
 */
class ArchitectureTest {

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
    void noToolPackageReachesAnother() {
        slices().matching("dev.rehearsal.core.internal.tools.(*)..").should().notDependOnEachOther().check(CORE);
    }

    @Test
    void onlyTheToolRegistryNamesATool() {
        noClasses().that().resideOutsideOfPackages("dev.rehearsal.core.internal.tools..",
                        "dev.rehearsal.core.internal.runtime..")
                .should().dependOnClassesThat().resideInAPackage("dev.rehearsal.core.internal.tools.*..")
                .check(CORE);
    }

    @Test
    void noPublicPackageReachesAnInternalOne() {
        noClasses().that().resideOutsideOfPackage("dev.rehearsal.core.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.rehearsal.core.internal..")
                .check(CORE);
    }

    /**
     * Every package of core, public or internal, is a slice of its own, and no two depend on each other: the base
     * types ({@code model}) depend on nothing, the model packages on them, the root API and its facade on those, the
     * implementation on the API.
     */
    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.rehearsal.(**)").should().beFreeOfCycles().check(CORE);
    }
}
