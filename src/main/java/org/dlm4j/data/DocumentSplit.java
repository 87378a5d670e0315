package org.dlm4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * How a text file is cut into documents (each document ends with end-of-text in the token file).
 * Line breaks are normalised to {@code \n} first.
 */
public enum DocumentSplit {
    /** The whole file is one document. */
    FILE,
    /** Documents are separated by one or more blank lines; lines within one are kept joined by {@code \n}. */
    PARAGRAPH,
    /** Each non-empty line is a document (the story files: one story per line). */
    LINE;

    public List<String> split(String text) {
        String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
        var documents = new ArrayList<String>();
        switch (this) {
            case FILE -> {
                if (!normalised.isEmpty()) {
                    documents.add(normalised);
                }
            }
            case PARAGRAPH -> {
                for (String paragraph : normalised.split("\n(?:[ \t]*\n)+")) {
                    String trimmed = paragraph.strip();
                    if (!trimmed.isEmpty()) {
                        documents.add(trimmed);
                    }
                }
            }
            case LINE -> {
                for (String line : normalised.split("\n")) {
                    if (!line.isBlank()) {
                        documents.add(line);
                    }
                }
            }
        }
        return documents;
    }
}
