/**
 * The {@code dlm4j} command line (Picocli): {@link org.dlm4j.cli.Main} and one command class per group.
 * Nothing imports this package. Errors reach the user as one line, {@code dlm4j: error: <message>}, with
 * exit code 2 when the command line itself is wrong (a value out of range included) and 1 for failures
 * at run time; never a stack trace (see {@link org.dlm4j.cli.Main}). {@code train} stops after the step in
 * progress on SIGINT and SIGTERM ({@link org.dlm4j.cli.StopOnSignal}).
 */
package org.dlm4j.cli;
