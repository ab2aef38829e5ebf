package dev.rehearsal.cli;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** This module's main code uses the other modules' public API and SPI only, never their internal packages. */
class ModuleBoundariesTest {

    @Test
    void mainCodeUsesNoOtherModulesInternalPackage() {
        noClasses().that().resideInAPackage("dev.rehearsal.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.rehearsal.core.internal..", "dev.rehearsal.snapshots.internal..", "dev.rehearsal.junit.internal..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.rehearsal.cli"));
    }
}
