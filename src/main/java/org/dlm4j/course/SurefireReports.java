package org.dlm4j.course;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads the test results Maven Surefire leaves in {@code target/surefire-reports/TEST-*.xml}: one
 * {@code <testcase>} per test, holding a {@code <failure>} or {@code <error>} (with the exception's
 * {@code type} and {@code message}) or a {@code <skipped>} element when it did not pass.
 */
public final class SurefireReports {

    /** The outcome of one test. */
    public record TestResult(String testClass, String name, Outcome outcome, String type, String message) {

        /** {@code Class.test}, the class without its package. */
        public String displayName() {
            return testClass.substring(testClass.lastIndexOf('.') + 1) + "." + name;
        }
    }

    /** What happened to a test. */
    public enum Outcome { PASSED, FAILED, SKIPPED }

    private SurefireReports() {
    }

    /** Every test case of every report in {@code folder} (none when the folder does not exist). */
    public static List<TestResult> read(Path folder) {
        List<TestResult> results = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return results;
        }
        try (Stream<Path> files = Files.list(folder)) {
            DocumentBuilder parser = parser();
            for (Path file : files.filter(SurefireReports::isReport).sorted().toList()) {
                NodeList cases = parser.parse(file.toFile()).getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    results.add(result((Element) cases.item(i)));
                }
            }
        } catch (IOException | SAXException e) {
            throw new IllegalStateException("cannot read the test reports in " + folder + ": " + e.getMessage(), e);
        }
        return results;
    }

    private static boolean isReport(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("TEST-") && name.endsWith(".xml");
    }

    private static TestResult result(Element testCase) {
        String testClass = testCase.getAttribute("classname");
        String name = testCase.getAttribute("name");
        for (String tag : new String[] {"failure", "error"}) {
            NodeList problems = testCase.getElementsByTagName(tag);
            if (problems.getLength() > 0) {
                Element problem = (Element) problems.item(0);
                return new TestResult(testClass, name, Outcome.FAILED, problem.getAttribute("type"),
                        problem.getAttribute("message"));
            }
        }
        Outcome outcome = testCase.getElementsByTagName("skipped").getLength() > 0 ? Outcome.SKIPPED : Outcome.PASSED;
        return new TestResult(testClass, name, outcome, "", "");
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser: " + e.getMessage(), e);
        }
    }
}
