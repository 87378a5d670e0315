package org.dlm4j.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the layer arrows of docs/design.md: each package imports only the layers above it.
 *
 * <pre>
 *   kernels -> tensor -> nn -> model -> objective -> device -> train -> eval, sample -> experiment -> cli
 *   tornado (the TornadoVM engine of the -Ptornado build) implements device; nothing imports it.
 *   data sits beside them and imports kernels only.
 *   exercise (the course's marker) is imported by any layer and imports nothing of dlm4j;
 *   course (the student edition tool) imports exercise and data, and only cli imports it.
 * </pre>
 * A layer that does not exist yet is optional, so the rule holds while the project grows.
 */
class LayerArrowsTest {

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(LayerArrowsTest::notTestClasses)
                .importPackages("org.dlm4j");
    }

    @Test
    void layersOnlyImportTheLayersAboveThem() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("kernels").definedBy("org.dlm4j.kernels..")
                .layer("tensor").definedBy("org.dlm4j.tensor..")
                .layer("nn").definedBy("org.dlm4j.nn..")
                .layer("model").definedBy("org.dlm4j.model..")
                .layer("data").definedBy("org.dlm4j.data..")
                .layer("objective").definedBy("org.dlm4j.objective..")
                .layer("device").definedBy("org.dlm4j.device..")
                .layer("train").definedBy("org.dlm4j.train..")
                .layer("eval").definedBy("org.dlm4j.eval..")
                .layer("sample").definedBy("org.dlm4j.sample..")
                .layer("experiment").definedBy("org.dlm4j.experiment..")
                .layer("cli").definedBy("org.dlm4j.cli..")
                .layer("course").definedBy("org.dlm4j.course..")
                .layer("tornado").definedBy("org.dlm4j.tornado..")
                .whereLayer("tornado").mayNotBeAccessedByAnyLayer()
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("course").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("experiment").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("sample", "experiment", "cli")
                .whereLayer("sample").mayOnlyBeAccessedByLayers("eval", "experiment", "cli")
                .whereLayer("train").mayOnlyBeAccessedByLayers("eval", "sample", "experiment", "cli")
                .whereLayer("device").mayOnlyBeAccessedByLayers("train", "eval", "sample", "experiment", "cli", "tornado")
                .whereLayer("objective").mayOnlyBeAccessedByLayers("device", "train", "eval", "sample", "experiment", "cli",
                        "tornado")
                .whereLayer("data").mayOnlyBeAccessedByLayers("objective", "train", "eval", "sample", "experiment", "cli",
                        "course")
                .whereLayer("model").mayOnlyBeAccessedByLayers("objective", "device", "train", "eval", "sample",
                        "experiment", "cli", "tornado")
                .whereLayer("nn").mayOnlyBeAccessedByLayers("model", "objective", "device", "train", "eval", "sample",
                        "experiment", "cli", "tornado")
                .whereLayer("tensor").mayOnlyBeAccessedByLayers("nn", "model", "objective", "device", "train", "eval",
                        "sample", "experiment", "cli", "tornado")
                .check(mainClasses);
    }

    /**
     * TornadoVM stays in its module: the core finds the engine through {@code org.dlm4j.device.Devices}
     * (ServiceLoader), so the default build, {@code ./dlm4j} and CI run without TornadoVM. In the
     * {@code -Ptornado} build the engine's classes are imported too, and this checks them.
     */
    @Test
    void onlyTheTornadoModuleImportsTornadoVm() {
        JavaClasses everything = new ClassFileImporter().importPackages("org.dlm4j");
        noClasses().that().resideOutsideOfPackage("org.dlm4j.tornado..")
                .should().dependOnClassesThat().resideInAPackage("uk.ac.manchester.tornado..")
                .allowEmptyShould(true)
                .check(everything);
    }

    @Test
    void kernelsImportNothingElseOfTheProjectButTheExerciseMarker() {
        noClasses().that().resideInAPackage("org.dlm4j.kernels..")
                .should().dependOnClassesThat(projectClassesOutside("org.dlm4j.kernels..", "org.dlm4j.exercise.."))
                .check(mainClasses);
    }

    @Test
    void theExerciseMarkerImportsNothingOfTheProject() {
        noClasses().that().resideInAPackage("org.dlm4j.exercise..")
                .should().dependOnClassesThat(projectClassesOutside("org.dlm4j.exercise.."))
                .check(mainClasses);
    }

    @Test
    void theCourseToolImportsOnlyTheExerciseMarkerAndAtomicOutput() {
        noClasses().that().resideInAPackage("org.dlm4j.course..")
                .should().dependOnClassesThat(projectClassesOutside("org.dlm4j.course..", "org.dlm4j.exercise..")
                        .and(not(name("org.dlm4j.data.AtomicOutput"))))
                .check(mainClasses);
    }

    /**
     * Leaves out test classes wherever the build puts them: ArchUnit's DO_NOT_INCLUDE_TESTS knows
     * Maven's {@code target/test-classes}, and the -Ptornado build compiles into {@code target/tornado/test-classes}.
     */
    private static boolean notTestClasses(Location location) {
        return !location.contains("/test-classes/");
    }

    /** Classes of dlm4j that are not in any of {@code packages}. */
    private static DescribedPredicate<JavaClass> projectClassesOutside(String... packages) {
        return resideInAPackage("org.dlm4j..").and(not(resideInAnyPackage(packages)));
    }

    @Test
    void dataImportsOnlyKernels() {
        noClasses().that().resideInAPackage("org.dlm4j.data..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.dlm4j.tensor..", "org.dlm4j.nn..", "org.dlm4j.model..")
                .allowEmptyShould(true)
                .check(mainClasses);
    }

    @Test
    void coreNeverImportsTheGpuModule() {
        noClasses().that().resideOutsideOfPackage("org.dlm4j.gpu..")
                .should().dependOnClassesThat().resideInAPackage("org.dlm4j.gpu..")
                .check(mainClasses);
    }
}
