package io.github.ple4j.cli;

import io.github.ple4j.datavec.FittedPipeline;
import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.infer.Predictions;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Scores raw records (training column layout) with a model and its fitted preprocessing.
 *
 * <p><b>Thread safety.</b> {@link #score} may be called from any number of threads at once and gives exactly the
 * results a single thread gets: the preprocessing is immutable and builds new arrays per call, and the model's
 * forward passes are serialised on its predictor ({@code Predictor} methods are {@code synchronized}: the model's
 * execution plan reuses its buffers from call to call). Calls therefore run one forward pass at a time; the CSV
 * parsing and encoding of different threads overlap. For parallel forward passes load one model per thread.
 * {@link #close()} must not run concurrently with {@link #score}.
 */
public final class Scorer implements AutoCloseable {
    private final PleModel model;
    private final FittedPipeline pipeline;
    private final List<String> tasks;

    /**
     * @param model    the model (not closed by this scorer unless {@link #close()} is called)
     * @param pipeline its fitted preprocessing
     */
    public Scorer(PleModel model, FittedPipeline pipeline) {
        this.model = model;
        this.pipeline = pipeline;
        this.tasks = model.signature().tasks();
        pipeline.checkInputs(model.config().inputs());
    }

    /** Task names, in the order of {@link #score}'s rows. */
    public List<String> tasks() {
        return tasks;
    }

    /** The fitted preprocessing. */
    public FittedPipeline pipeline() {
        return pipeline;
    }

    /** Feature arrays of the records (throws {@code InvalidDataException} naming the record and column). */
    public INDArray[] features(List<List<Writable>> records) {
        return pipeline.features(records, model.signature());
    }

    /**
     * Per-task scores: probabilities for BINARY tasks, values for REGRESSION tasks.
     *
     * @param records records in the training column layout (label columns are not read)
     * @return {@code [task][record]}, tasks in {@link #tasks()} order
     * @throws io.github.ple4j.datavec.InvalidDataException naming the record (1-based) and column of a bad value
     */
    public double[][] score(List<List<Writable>> records) {
        return score(features(records));
    }

    /** Per-task scores of already encoded features ({@code [task][row]}). */
    public double[][] score(INDArray[] features) {
        Predictions p = model.predict(features);
        double[][] out = new double[tasks.size()][];
        for (int k = 0; k < tasks.size(); k++) {
            INDArray a = p.task(tasks.get(k));
            out[k] = a.toDoubleVector();
            a.close();
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
