package io.github.ple4j.dl4j;

import io.github.ple4j.model.config.TaskType;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Objects;

/**
 * One task's loss in the DL4J graph, the same objective as the SameDiff model's (paper Eq. 8-9):
 * <pre>  w_k * sum_i m_i * l(z_i, y_i) / max(1, sum_i m_i)</pre>
 * over the minibatch, with m the task's label mask (all ones when absent), z the logit, l the binary
 * cross-entropy computed stably from the logit, {@code max(z, 0) - z*y + log(1 + exp(-|z|))}, or the squared
 * error {@code (z - y)^2}, and w_k the task's fixed loss weight.
 *
 * <p>DL4J's own losses normalise a masked loss by the minibatch size B (and clip probabilities in binary
 * cross-entropy). This loss normalises by the number of labelled samples, so a task with few labels in a
 * batch is not down-weighted, exactly as the SameDiff model does. DL4J divides the score it gets with
 * {@code average=false}, and every gradient, by B; this class therefore returns B times the normalised
 * quantities in those two places, so what DL4J reports and optimises is the normalised objective.
 * {@link #computeScoreArray} returns the per-sample loss {@code w_k * m_i * l_i} (not rescaled).
 *
 * <p>Use it in a {@code LossLayer} whose input is the task's logit, with the sigmoid activation for a BINARY
 * task (the layer's output is then the probability) and the identity for a REGRESSION task.
 */
public class PleTaskLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    private TaskType taskType;
    private double weight = 1.0;

    /** For JSON deserialisation. */
    public PleTaskLoss() {
    }

    /**
     * @param taskType BINARY (cross-entropy from the logit) or REGRESSION (squared error)
     * @param weight   fixed task weight w_k (>= 0)
     */
    public PleTaskLoss(TaskType taskType, double weight) {
        this.taskType = Objects.requireNonNull(taskType, "taskType");
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("task loss weight must be a finite number >= 0 but was " + weight);
        }
        this.weight = weight;
    }

    public TaskType getTaskType() {
        return taskType;
    }

    public void setTaskType(TaskType taskType) {
        this.taskType = taskType;
    }

    public double getWeight() {
        return weight;
    }

    public void setWeight(double weight) {
        this.weight = weight;
    }

    /** The activation the output layer must use with this loss: sigmoid for BINARY, identity for REGRESSION. */
    public IActivation activation() {
        return taskType == TaskType.BINARY ? new ActivationSigmoid() : new ActivationIdentity();
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        check(labels, preOutput, activationFn);
        INDArray y = labels.castTo(preOutput.dataType());
        INDArray loss = perSample(y, preOutput);
        INDArray m = mask(mask, preOutput);
        if (m != null) {
            loss.muli(m);
        }
        return loss.muli(weight).sum(1).reshape(preOutput.size(0), 1);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        double normalised = sum / count(mask, preOutput);
        return average ? normalised : normalised * preOutput.size(0);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        check(labels, preOutput, activationFn);
        INDArray y = labels.castTo(preOutput.dataType());
        INDArray grad = taskType == TaskType.BINARY
                ? Transforms.sigmoid(preOutput, true).subi(y)           // d/dz BCE(z, y)
                : preOutput.sub(y).muli(2.0);                            // d/dz (z - y)^2
        INDArray m = mask(mask, preOutput);
        if (m != null) {
            grad.muli(m);
        }
        // DL4J divides gradients by the minibatch size B afterwards; scale so the result is w * grad / count.
        return grad.muli(weight * preOutput.size(0) / count(mask, preOutput));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    /** Unmasked per-sample loss, a new array. */
    private INDArray perSample(INDArray y, INDArray z) {
        if (taskType == TaskType.BINARY) {
            INDArray softplus = Transforms.log1p(Transforms.exp(Transforms.abs(z, true).negi(), false), false);
            return Transforms.relu(z, true).subi(z.mul(y)).addi(softplus);
        }
        INDArray d = z.sub(y);
        return d.muli(d);
    }

    /** The mask as [B, 1] (or [B, nOut]) in the output's data type, or null. */
    private static INDArray mask(INDArray mask, INDArray preOutput) {
        if (mask == null) {
            return null;
        }
        INDArray m = mask.castTo(preOutput.dataType());
        return m.rank() == 1 ? m.reshape(m.length(), 1) : m;
    }

    /** max(1, number of labelled samples); B without a mask. */
    private static double count(INDArray mask, INDArray preOutput) {
        double n = mask == null ? preOutput.size(0) : mask.castTo(preOutput.dataType()).sumNumber().doubleValue();
        return Math.max(1.0, n);
    }

    private void check(INDArray labels, INDArray preOutput, IActivation activationFn) {
        if (taskType == null) {
            throw new IllegalStateException("PleTaskLoss has no task type");
        }
        Class<?> needed = taskType == TaskType.BINARY ? ActivationSigmoid.class : ActivationIdentity.class;
        if (!needed.isInstance(activationFn)) {
            throw new IllegalStateException("PleTaskLoss for a " + taskType + " task needs the output layer activation "
                    + needed.getSimpleName() + " but it is " + activationFn);
        }
        if (!Arrays.equals(labels.shape(), preOutput.shape())) {
            throw new IllegalArgumentException("labels of shape " + Arrays.toString(labels.shape())
                    + " do not match the task output of shape " + Arrays.toString(preOutput.shape()));
        }
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PleTaskLoss other && taskType == other.taskType && Double.compare(weight, other.weight) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskType, weight);
    }

    @Override
    public String toString() {
        return "PleTaskLoss(" + taskType + ", weight=" + weight + ")";
    }
}
