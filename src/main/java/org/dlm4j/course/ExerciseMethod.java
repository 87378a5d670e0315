package org.dlm4j.course;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code @Exercise} method as found in the source.
 *
 * @param id        {@code L04.2}
 * @param method    the class (nested classes dotted) and method name, {@code LayerNorm.referenceBackward}
 * @param file      the source file, relative to the repository root, with forward slashes
 * @param line      the line of the method's declaration (1-based)
 * @param bodyStart offset of the body's opening brace in the file's text
 * @param bodyEnd   offset just past the body's closing brace
 */
public record ExerciseMethod(String id, String method, String file, int line, int bodyStart, int bodyEnd)
        implements Comparable<ExerciseMethod> {

    /** The form of an id: L, two digits of lesson, a dot, the exercise's number. */
    public static final Pattern ID = Pattern.compile("L(\\d\\d)\\.([1-9]\\d*)");

    public ExerciseMethod {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("exercise id '" + id + "' of " + method + " in " + file
                    + " is not of the form L<two-digit lesson>.<number>, e.g. L04.2");
        }
    }

    /** The lesson number, 4 for {@code L04.2}. */
    public int lesson() {
        return lessonOf(id);
    }

    /** The exercise's number within its lesson, 2 for {@code L04.2}. */
    public int number() {
        Matcher m = ID.matcher(id);
        m.matches();
        return Integer.parseInt(m.group(2));
    }

    /** The lesson number of a well-formed id. */
    public static int lessonOf(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + id + "' is not an exercise id such as L04.2");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The file as a path under {@code root}. */
    public Path path(Path root) {
        return root.resolve(file);
    }

    /** By lesson, then exercise number. */
    @Override
    public int compareTo(ExerciseMethod other) {
        int byLesson = Integer.compare(lesson(), other.lesson());
        return byLesson != 0 ? byLesson : Integer.compare(number(), other.number());
    }
}
