package io.github.ple4j.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime layer of a {@link PleLayer}: DL4J's SameDiff layer with a corrected backward pass and the
 * regularisation score counted.
 *
 * <p>Backward pass. DL4J 1.0.0-M2.1 backpropagates through a SameDiff layer with an "external errors" op whose
 * output SameDiff has to guess is the loss, and
 * <ul>
 *   <li>the guess fails when the layer's SameDiff has other unused outputs (the PLE network defines per-task
 *       prediction ops the layer does not return): "No loss variables ... have been specified" with two or more
 *       tasks, and silently the wrong loss with one;</li>
 *   <li>the parameter gradients it returns are twice the true ones (measured: a one-matrix SameDiff layer gets
 *       2x the gradient of the equivalent DenseLayer, and the PLE layer 2x the SameDiff model's).</li>
 * </ul>
 * This class instead defines the loss explicitly as {@code sum(output * epsilon)} with {@code epsilon} a
 * placeholder fed with the gradient DL4J passes down, whose gradient with respect to the output is exactly
 * epsilon, and computes the parameter and input gradients from it. The rest (workspaces, sessions, placeholders)
 * is DL4J's own {@code backpropGradient}.
 *
 * <p>Regularisation score. DL4J's SameDiff layer applies the regularisation gradient in the updater but reports
 * a score of 0; this class reports {@code l2/2 * sum W^2} (over weights), so the graph's score is the objective
 * its gradient belongs to.
 */
public class PleLayerImpl extends SameDiffLayer {
    /** Placeholder of the gradient of the network loss with respect to this layer's output. */
    static final String EPSILON = "ple/epsilon";
    /** The explicit backward loss, {@code sum(output * epsilon)}. */
    static final String BACKWARD_LOSS = "ple/backwardLoss";

    public PleLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected void doInit() {
        super.doInit();
        int tasks = ((PleLayer) layerConf()).pleConfig().tasks().size();
        SDVariable epsilon = sameDiff.placeHolder(EPSILON, outputVar.dataType(), -1, tasks);
        SDVariable loss = sameDiff.sum(BACKWARD_LOSS, outputVar.mul(epsilon));
        sameDiff.setLossVariables(loss);
    }

    @Override
    @SuppressWarnings("try")     // the workspace scope is entered for its side effect
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) {
                doInit();
            }
            if (!sameDiff.hasGradientFunction()) {
                sameDiff.createGradFunction(INPUT_KEY);
            }
        }
        SameDiff grad = sameDiff.getFunction("grad");
        Map<Long, InferenceSession> sessions = grad.getSessions();
        long thread = Thread.currentThread().getId();
        if (!sessions.containsKey(thread)) {
            sessions.put(thread, SameDiff.getInferenceFactory().create(grad));
        }
        String wsWorking = workspaceMgr.getWorkspaceName(ArrayType.BP_WORKING_MEM);
        String wsActGrad = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATION_GRAD);
        Preconditions.checkState(workspaceMgr.isScopedOut(ArrayType.ACTIVATION_GRAD) || wsActGrad != null,
                "Activation gradients must have a workspace or be scoped out");
        sessions.get(thread).setMmgr(new DL4JSameDiffMemoryMgr(wsWorking, wsActGrad,
                workspaceMgr.getConfiguration(ArrayType.BP_WORKING_MEM),
                workspaceMgr.getConfiguration(ArrayType.ACTIVATION_GRAD)));

        ((PleLayer) layerConf()).validateInput(input);
        Map<String, INDArray> placeholders = new HashMap<>();
        placeholders.put(INPUT_KEY, input);
        placeholders.put(EPSILON, epsilon);
        placeholders.put(MASK_KEY, maskArray != null ? maskArray : layerConf().onesMaskForInput(input));

        List<String> required = new ArrayList<>(paramTable.size() + 1);
        required.add(INPUT_KEY);
        required.addAll(paramTable.keySet());
        Map<String, INDArray> grads = sameDiff.calculateGradients(placeholders, required);

        Gradient g = new DefaultGradient();
        for (String p : paramTable.keySet()) {
            INDArray target = gradTable.get(p);
            target.assign(grads.get(p));
            g.gradientForVariable().put(p, target);
        }
        INDArray dLdIn = grads.get(INPUT_KEY);
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        if (dLdIn == null) {
            // Only categorical ids: they reach the network through a cast to integers, so nothing depends
            // differentiably on the input and its gradient is zero.
            return new Pair<>(g, workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape()));
        }
        return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn));
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        double sum = 0;
        for (Map.Entry<String, INDArray> e : paramTable().entrySet()) {
            List<Regularization> regs = layerConf().getRegularizationByParam(e.getKey());
            if (regs != null) {
                for (Regularization r : regs) {
                    sum += r.score(e.getValue(), getIterationCount(), getEpochCount());
                }
            }
        }
        return sum;
    }
}
