package org.dlm4j.course;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.dlm4j.exercise.LessonTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The course holds together: every exercise id is in the catalogue ({@code lessons/README.md}), in the
 * code (an {@code @Exercise} method) and in at least one test tagged with it inside a lesson test class
 * tagged with its lesson; every handout describes exactly its lesson's exercises, each under the method
 * and file the code has; every link in the lessons points to a file that exists.
 */
class CourseCatalogueTest {
    private static final Path ROOT = Path.of("");
    /** A catalogue row: | L04.2 | `LayerNorm.referenceBackward` | [text](../src/main/java/...) | ... */
    private static final Pattern CATALOGUE_ROW = Pattern.compile(
            "^\\| (L\\d\\d\\.\\d+) \\| `([\\w.]+)` \\| \\[[^]]*]\\(([^)]+)\\) \\|", Pattern.MULTILINE);
    /** A handout's exercise heading: ### L04.2 `LayerNorm.referenceBackward` — ... */
    private static final Pattern HANDOUT_HEADING = Pattern.compile("^### (L\\d\\d\\.\\d+) `([\\w.]+)`", Pattern.MULTILINE);
    /** The first link after a heading names the file of the exercise. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    private static Map<String, ExerciseMethod> code;
    private static Lessons lessons;

    @BeforeAll
    static void readTheCourse() {
        code = new TreeMap<>();
        for (ExerciseMethod e : ExerciseScanner.scan(ROOT)) {
            code.put(e.id(), e);
        }
        lessons = Lessons.read(ROOT);
    }

    @Test
    void theCatalogueListsEveryExerciseOfTheCodeWithItsMethodAndFile() throws IOException {
        Path catalogue = ROOT.resolve("lessons/README.md");
        Map<String, String> listed = new TreeMap<>();
        Matcher row = CATALOGUE_ROW.matcher(Files.readString(catalogue, StandardCharsets.UTF_8));
        while (row.find()) {
            String id = row.group(1);
            ExerciseMethod e = code.get(id);
            assertThat(e).as("catalogue row %s names an exercise that the code does not mark with @Exercise", id)
                    .isNotNull();
            assertThat(row.group(2)).as("method of %s in the catalogue", id).isEqualTo(e.method());
            assertThat(resolve(catalogue, row.group(3))).as("file of %s in the catalogue", id)
                    .isEqualTo(ROOT.resolve(e.file()).normalize());
            assertThat(listed.put(id, row.group(2))).as("%s is listed twice", id).isNull();
        }
        assertThat(listed.keySet()).as("exercises in lessons/README.md vs @Exercise methods in the code")
                .containsExactlyElementsOf(code.keySet());
    }

    @Test
    void everyHandoutDescribesExactlyTheExercisesOfItsLessonUnderTheirMethodAndFile() throws IOException {
        for (Map.Entry<Integer, String> lesson : lessons.folders().entrySet()) {
            Path handout = ROOT.resolve(lessons.handout(lesson.getKey()));
            String text = Files.readString(handout, StandardCharsets.UTF_8);
            Set<String> described = new TreeSet<>();
            Matcher heading = HANDOUT_HEADING.matcher(text);
            while (heading.find()) {
                String id = heading.group(1);
                ExerciseMethod e = code.get(id);
                assertThat(e).as("%s describes %s, which the code does not mark with @Exercise", handout, id).isNotNull();
                assertThat(e.lesson()).as("%s belongs to lesson %d, not to %s", id, e.lesson(), handout)
                        .isEqualTo(lesson.getKey());
                assertThat(heading.group(2)).as("method of %s in %s", id, handout).isEqualTo(e.method());
                Matcher link = LINK.matcher(text);
                assertThat(link.find(heading.end())).as("%s in %s links to its file", id, handout).isTrue();
                assertThat(resolve(handout, link.group(1))).as("the first link under %s in %s", id, handout)
                        .isEqualTo(ROOT.resolve(e.file()).normalize());
                described.add(id);
            }
            Set<String> expected = code.values().stream().filter(e -> e.lesson() == lesson.getKey())
                    .map(ExerciseMethod::id).collect(Collectors.toCollection(TreeSet::new));
            assertThat(described).as("exercises described in %s", handout).containsExactlyElementsOf(expected);
            assertThat(expected.size()).as("%s has 2 to 4 exercises", handout).isBetween(2, 4);
        }
    }

    @Test
    void everyExerciseIsGradedByATestTaggedWithItInALessonTestClassTaggedWithItsLesson() throws Exception {
        Map<String, List<String>> testsByExercise = new TreeMap<>();
        for (Class<?> testClass : testClasses()) {
            Set<String> classTags = tags(testClass.getAnnotationsByType(Tag.class));
            for (Method method : testClass.getDeclaredMethods()) {
                for (String id : tags(method.getAnnotationsByType(Tag.class))) {
                    if (!ExerciseMethod.ID.matcher(id).matches()) {
                        continue;
                    }
                    String test = testClass.getSimpleName() + "." + method.getName();
                    assertThat(code).as("%s is tagged %s, which is no exercise", test, id).containsKey(id);
                    assertThat(classTags).as("%s is tagged %s, so its class must carry the lesson tag", test, id)
                            .contains(id.substring(0, 3));
                    assertThat(testClass.isAnnotationPresent(LessonTest.class))
                            .as("%s grades %s, so its class must be a @LessonTest", test, id).isTrue();
                    testsByExercise.computeIfAbsent(id, k -> new ArrayList<>()).add(test);
                }
            }
        }
        assertThat(testsByExercise.keySet()).as("exercises with at least one tagged test")
                .containsExactlyElementsOf(code.keySet());
    }

    @Test
    void everyLinkInTheLessonsPointsToAFileThatExists() throws IOException {
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve(Lessons.FOLDER))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md")).toList()) {
                Matcher link = LINK.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")) {
                        continue;
                    }
                    if (!Files.exists(resolve(file, target))) {
                        broken.add(file + " -> " + target);
                    }
                }
            }
        }
        assertThat(broken).as("links in lessons/ to files that do not exist").isEmpty();
    }

    @Test
    void theCourseIndexLinksEveryLesson() throws IOException {
        String index = Files.readString(ROOT.resolve("lessons/README.md"), StandardCharsets.UTF_8);
        for (String folder : lessons.folders().values()) {
            assertThat(index).as("lessons/README.md links lesson %s", folder).contains("](" + folder + "/README.md)");
        }
    }

    /** A link target, relative to the file that holds it, without an #anchor. */
    private static Path resolve(Path file, String target) {
        int anchor = target.indexOf('#');
        String path = anchor < 0 ? target : target.substring(0, anchor);
        return file.getParent().resolve(path).normalize();
    }

    private static Set<String> tags(Tag[] tags) {
        Set<String> values = new TreeSet<>();
        for (Tag tag : tags) {
            values.add(tag.value());
        }
        return values;
    }

    /** Every compiled test class of the project (nested ones included). */
    private static List<Class<?>> testClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(CourseCatalogueTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(".class", "").replace('/', '.');
                found.add(Class.forName(name, false, CourseCatalogueTest.class.getClassLoader()));
            }
        }
        return found;
    }
}
