package org.dlm4j.course;

import java.util.Comparator;
import java.util.List;

/**
 * Rewrites a source file's text for a student edition: the body of each given exercise becomes
 * <pre>
 *   {
 *       throw new UnsolvedExerciseException("L04.2", "LayerNorm.referenceBackward",
 *               "lessons/04-fused-ops/README.md");
 *   }
 * </pre>
 * and everything else (signature, Javadoc, annotations, other methods, formatting) stays byte for
 * byte. The exception is imported beside the {@code Exercise} import, or named in full when the file
 * has no such import.
 */
public final class Stubs {
    static final String EXCEPTION = "UnsolvedExerciseException";
    private static final String PACKAGE = "org.dlm4j.exercise.";
    private static final String EXERCISE_IMPORT = "import " + PACKAGE + "Exercise;";

    private Stubs() {
    }

    /** {@code text} with the bodies of {@code exercises} (all found in this text) replaced by stubs. */
    public static String stub(String text, List<ExerciseMethod> exercises, Lessons lessons) {
        if (exercises.isEmpty()) {
            return text;
        }
        boolean imported = text.contains(EXERCISE_IMPORT);
        String exception = imported ? EXCEPTION : PACKAGE + EXCEPTION;
        StringBuilder out = new StringBuilder(text);
        List<ExerciseMethod> lastFirst = exercises.stream()
                .sorted(Comparator.comparingInt(ExerciseMethod::bodyStart).reversed()).toList();
        for (ExerciseMethod e : lastFirst) {
            String indent = indentOfBody(text, e);
            String body = "{\n"
                    + indent + "    throw new " + exception + "(\"" + e.id() + "\", \"" + e.method() + "\",\n"
                    + indent + "            \"" + lessons.handout(e.lesson()) + "\");\n"
                    + indent + "}";
            out.replace(e.bodyStart(), e.bodyEnd(), body);
        }
        if (imported && !text.contains("import " + PACKAGE + EXCEPTION + ";")) {
            int at = out.indexOf(EXERCISE_IMPORT) + EXERCISE_IMPORT.length();
            out.insert(at, "\nimport " + PACKAGE + EXCEPTION + ";");
        }
        return out.toString();
    }

    /**
     * The indentation of the method: the whitespace before the body's closing brace when that brace
     * starts its line (the usual layout), else the indentation of the line where the body opens.
     */
    private static String indentOfBody(String text, ExerciseMethod e) {
        int close = e.bodyEnd() - 1;
        int lineStart = text.lastIndexOf('\n', close) + 1;
        String before = text.substring(lineStart, close);
        if (before.isBlank()) {
            return before;
        }
        int openLine = text.lastIndexOf('\n', e.bodyStart()) + 1;
        int first = openLine;
        while (first < text.length() && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) {
            first++;
        }
        return text.substring(openLine, first);
    }
}
