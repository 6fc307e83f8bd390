package dev.livesessions;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The few dependency rules that keep the features apart. */
@AnalyzeClasses(packages = "dev.livesessions", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule theApiDependsOnNoFeature = noClasses()
            .that().resideInAPackage("dev.livesessions.api..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.livesessions.session..", "dev.livesessions.ingestion..", "dev.livesessions.tenant..",
                    "dev.livesessions.query..", "dev.livesessions.platform..", "dev.livesessions.audit..");

    @ArchTest
    static final ArchRule theQuerySideNeverTouchesTheCommandSide = noClasses()
            .that().resideInAPackage("dev.livesessions.query..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.livesessions.session..", "dev.livesessions.ingestion..");

    @ArchTest
    static final ArchRule sessionsAreReachedOnlyThroughTheRouterAndTheApi = classes()
            .that().resideInAPackage("dev.livesessions.session..").and().arePublic().and().areTopLevelClasses()
            .should().haveSimpleName("LiveSignalRouter");

    @ArchTest
    static final ArchRule ingestionAndQueriesArePrivateToTheirPackages = noClasses()
            .that().resideInAnyPackage("dev.livesessions.ingestion..", "dev.livesessions.query..",
                                       "dev.livesessions.platform..", "dev.livesessions.audit..")
            .should().bePublic();

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOtherInCircles = slices()
            .matching("dev.livesessions.(*)..").should().beFreeOfCycles();
}
