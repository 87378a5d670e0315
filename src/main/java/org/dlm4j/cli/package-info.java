/**
 * The {@code dlm4j} command line (Picocli): {@link org.dlm4j.cli.Main} and one command class per group.
 * Nothing imports this package. Errors reach the user as one line, {@code dlm4j: error: <message>}, with
 * exit code 2 for usage errors and 1 for failures at run time; never a stack trace.
 */
package org.dlm4j.cli;
