package org.dlm4j.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.NormalAnnotationExpr;
import com.github.javaparser.ast.expr.SingleMemberAnnotationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.stmt.BlockStmt;

/**
 * Finds the {@code @Exercise} methods of a source tree with JavaParser (Java 25 syntax) and records
 * where each body starts and ends in the file's text, so that {@link Stubs} can replace exactly the
 * body and leave every other character of the file as it was.
 *
 * <p>Only files whose text mentions {@code Exercise} are parsed. A file that does not parse, an id
 * that is not a string literal of the form {@code L04.2}, a method without a body and an id used twice
 * are errors naming the file and line.
 */
public final class ExerciseScanner {
    private static final String ANNOTATION = "Exercise";

    private ExerciseScanner() {
    }

    /** Every exercise under {@code root/src}, ordered by lesson and number. */
    public static List<ExerciseMethod> scan(Path root) {
        Path sources = root.resolve("src");
        if (!Files.isDirectory(sources)) {
            throw new IllegalArgumentException(root + " has no src folder; run from a dlm4j checkout or pass --repo");
        }
        List<ExerciseMethod> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains(ANNOTATION)) {
                    found.addAll(scanFile(relative(root, file), text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + sources + ": " + e.getMessage(), e);
        }
        requireUniqueIds(found);
        found.sort(null);
        return found;
    }

    /** The exercises of one file's text; {@code file} is only used in messages and results. */
    public static List<ExerciseMethod> scanFile(String file, String text) {
        ParseResult<CompilationUnit> parsed = new JavaParser(new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25)).parse(text);
        if (!parsed.isSuccessful() || parsed.getResult().isEmpty()) {
            String problem = parsed.getProblems().isEmpty() ? "unknown reason"
                    : parsed.getProblem(0).getVerboseMessage();
            throw new IllegalArgumentException("cannot parse " + file + ": " + problem.lines().findFirst().orElse(""));
        }
        int[] lineStarts = lineStarts(text);
        List<ExerciseMethod> found = new ArrayList<>();
        for (MethodDeclaration method : parsed.getResult().get().findAll(MethodDeclaration.class)) {
            AnnotationExpr annotation = method.getAnnotationByName(ANNOTATION).orElse(null);
            if (annotation == null) {
                continue;
            }
            int line = method.getBegin().map(p -> p.line).orElse(0);
            String name = qualifiedName(method);
            String id = idOf(annotation, file, line);
            BlockStmt body = method.getBody().orElseThrow(() -> new IllegalArgumentException(file + ":" + line
                    + ": exercise " + id + " (" + name + ") has no body to write"));
            int start = offset(lineStarts, body.getBegin().orElseThrow());
            int end = offset(lineStarts, body.getEnd().orElseThrow()) + 1;
            if (text.charAt(start) != '{' || text.charAt(end - 1) != '}') {
                throw new IllegalStateException(file + ":" + line + ": the body of " + name
                        + " was not found where the parser placed it");
            }
            found.add(new ExerciseMethod(id, name, file, line, start, end));
        }
        return found;
    }

    private static String idOf(AnnotationExpr annotation, String file, int line) {
        Expression value = switch (annotation) {
            case SingleMemberAnnotationExpr single -> single.getMemberValue();
            case NormalAnnotationExpr normal -> normal.getPairs().stream()
                    .filter(p -> p.getNameAsString().equals("value")).findFirst().map(p -> p.getValue()).orElse(null);
            default -> null;
        };
        if (!(value instanceof StringLiteralExpr literal)) {
            throw new IllegalArgumentException(file + ":" + line
                    + ": @Exercise needs a string literal id such as \"L04.2\"");
        }
        return literal.asString();
    }

    /** {@code Outer.Inner.method}: the enclosing type names from the outside in, then the method. */
    private static String qualifiedName(MethodDeclaration method) {
        StringBuilder name = new StringBuilder(method.getNameAsString());
        Node node = method.getParentNode().orElse(null);
        while (node != null) {
            if (node instanceof TypeDeclaration<?> type) {
                name.insert(0, type.getNameAsString() + ".");
            }
            node = node.getParentNode().orElse(null);
        }
        return name.toString();
    }

    private static void requireUniqueIds(List<ExerciseMethod> found) {
        Map<String, ExerciseMethod> byId = new HashMap<>();
        for (ExerciseMethod e : found) {
            ExerciseMethod other = byId.putIfAbsent(e.id(), e);
            if (other != null) {
                throw new IllegalArgumentException("exercise id " + e.id() + " is used twice: " + other.method()
                        + " (" + other.file() + ":" + other.line() + ") and " + e.method() + " (" + e.file() + ":"
                        + e.line() + ")");
            }
        }
    }

    /** The offset at which each line starts ('\n' ends a line; a '\r' before it stays part of the line). */
    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** JavaParser positions are 1-based (line, column) with a column per char. */
    private static int offset(int[] lineStarts, Position position) {
        return lineStarts[position.line - 1] + position.column - 1;
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
