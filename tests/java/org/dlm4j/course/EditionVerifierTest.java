package org.dlm4j.course;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading Surefire's reports and judging a lesson against its stubs. */
class EditionVerifierTest {
    private static final String STUB = "org.dlm4j.exercise.UnsolvedExerciseException";

    @Test
    void reportsAreReadTestByTest(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("TEST-demo.LessonTest.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="demo.LessonTest" tests="4" failures="1" errors="1" skipped="1">
                  <testcase name="passes" classname="demo.LessonTest" time="0.1"/>
                  <testcase name="stub" classname="demo.LessonTest" time="0.1">
                    <error message="L04.2 LayerNorm.referenceBackward is not written yet: read ..." type="%s">trace</error>
                  </testcase>
                  <testcase name="wrong" classname="demo.LessonTest" time="0.1">
                    <failure message="dx differs&#10;second line" type="org.opentest4j.AssertionFailedError"/>
                  </testcase>
                  <testcase name="off" classname="demo.LessonTest" time="0"><skipped/></testcase>
                </testsuite>
                """.formatted(STUB));
        Files.writeString(dir.resolve("demo.LessonTest.txt"), "not a report");
        List<SurefireReports.TestResult> results = SurefireReports.read(dir);
        assertThat(results).extracting(SurefireReports.TestResult::outcome).containsExactly(
                SurefireReports.Outcome.PASSED, SurefireReports.Outcome.FAILED, SurefireReports.Outcome.FAILED,
                SurefireReports.Outcome.SKIPPED);
        assertThat(results.get(1).type()).isEqualTo(STUB);
        assertThat(results.get(1).displayName()).isEqualTo("LessonTest.stub");
        assertThat(results.get(2).message()).isEqualTo("dx differs\nsecond line");
        assertThat(SurefireReports.read(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void aLessonPassesOnlyWhenEveryTestFailsOnOneOfItsOwnStubsAndEveryStubIsReached() {
        var good = EditionVerifier.judge(4, List.of("L04.1", "L04.2"), List.of(stub("a", "L04.1"), stub("b", "L04.2"),
                stub("c", "L04.2")), 1.0);
        assertThat(good.ok()).isTrue();
        assertThat(good.reached()).containsExactly("L04.1", "L04.2");

        var wrongLesson = EditionVerifier.judge(4, List.of("L04.1"), List.of(stub("a", "L04.1"), stub("b", "L05.1")),
                1.0);
        assertThat(wrongLesson.ok()).isFalse();
        assertThat(wrongLesson.otherFailures()).singleElement().asString().contains("LessonTest.b").contains("L05.1");

        var passing = EditionVerifier.judge(4, List.of("L04.1"), List.of(stub("a", "L04.1"),
                new SurefireReports.TestResult("demo.LessonTest", "p", SurefireReports.Outcome.PASSED, "", "")), 1.0);
        assertThat(passing.ok()).isFalse();
        assertThat(passing.passed()).isEqualTo(1);

        var unreached = EditionVerifier.judge(4, List.of("L04.1", "L04.2"), List.of(stub("a", "L04.1")), 1.0);
        assertThat(unreached.ok()).isFalse();
        assertThat(unreached.unreached()).containsExactly("L04.2");
        assertThat(EditionVerifier.line(unreached)).contains("no test failed on the stub of L04.2");

        var assertion = EditionVerifier.judge(4, List.of("L04.1"), List.of(stub("a", "L04.1"),
                new SurefireReports.TestResult("demo.LessonTest", "x", SurefireReports.Outcome.FAILED,
                        "java.lang.AssertionError", "L04.1 expected 1")), 1.0);
        assertThat(assertion.ok()).isFalse();
        assertThat(EditionVerifier.judge(4, List.of(), List.of(), 1.0).ok()).as("a lesson without tests").isFalse();
    }

    private static SurefireReports.TestResult stub(String test, String id) {
        return new SurefireReports.TestResult("demo.LessonTest", test, SurefireReports.Outcome.FAILED, STUB,
                id + " Some.method is not written yet: read lessons/...");
    }
}
