/**
 * The data-constrained crossover experiment of Ni et al. (2025), "Diffusion Language Models are
 * Super Data Learners": a grid of runs (objective x unique tokens U at one fixed budget M, optionally
 * x model size x AR regulariser x seed), each evaluated at regular points (validation loss,
 * multiple-choice accuracy, delta NLL), written as results tables, PNG plots and a Markdown report.
 *
 * <ul>
 *   <li>{@link org.dlm4j.experiment.SweepSpec}: what a sweep runs (JSON-loadable, documented fields);
 *       {@link org.dlm4j.experiment.SweepPresets} the named ones (tiny, small, gpu).</li>
 *   <li>{@link org.dlm4j.experiment.GridRun}: one cell of the grid and its training config.</li>
 *   <li>{@link org.dlm4j.experiment.SweepRunner}: runs the grid into a folder, resumable at any point.</li>
 *   <li>{@link org.dlm4j.experiment.EvalPoint}, {@link org.dlm4j.experiment.ResultsTable}: the results rows
 *       and their JSONL/CSV files.</li>
 *   <li>{@link org.dlm4j.experiment.CrossoverAnalysis}: final numbers per U and where diffusion overtakes AR;
 *       {@link org.dlm4j.experiment.SweepPlots} and {@link org.dlm4j.experiment.SweepReport} draw and write them.</li>
 * </ul>
 */
package org.dlm4j.experiment;
