package dev.rehearsal.snapshots;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** This module's main code uses the other modules' public API and SPI only, never their internal packages. */
class ModuleBoundariesTest {

    @Test
    void mainCodeUsesNoOtherModulesInternalPackage() {
        noClasses().that().resideInAPackage("dev.rehearsal.snapshots..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.rehearsal.core.internal..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.rehearsal.snapshots"));
    }
}
