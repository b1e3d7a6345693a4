package io.github.ple4j.dl4j;

import io.github.ple4j.model.exec.ExecutionPlan;
import io.github.ple4j.model.exec.ExpertMixture;
import io.github.ple4j.model.exec.FusedOp;
import io.github.ple4j.model.exec.GradientFunction;
import io.github.ple4j.model.graph.RecordingParams;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime layer of a {@link PleLayer}: DL4J's SameDiff layer with a corrected backward pass, its own
 * execution and the regularisation score counted.
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
 * epsilon, and computes the parameter and input gradients from it.
 *
 * <p>Parameters. The SameDiff graph has one variable per PLE tensor, each holding a view of the layer's two
 * DL4J parameters ({@link ParamLayout}); gradients are written into the same views of DL4J's gradient vector.
 *
 * <p>Execution. Forward and backward passes run on PLE4J's {@link ExecutionPlan} over the layer's SameDiff graph
 * and its gradient function, not on SameDiff's session (about 50 µs of Java work per op, and new arrays every
 * call). Training uses one two-phase plan: {@link #activate} with {@code training = true} runs the forward ops,
 * {@link #backpropGradient} the backward ones on the same buffers, so the forward pass is not computed twice.
 * Parameter gradients are written straight into DL4J's gradient view. {@code -Dple4j.dl4j.plan=false} runs
 * SameDiff's session instead (the same numbers; kept for comparison).
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

    /** System property: {@code false} runs the layer on SameDiff's session instead of the plan (read every pass). */
    public static final String PLAN_PROPERTY = "ple4j.dl4j.plan";

    /** Forward and backward passes of training; forward ops first ({@link ExecutionPlan#runFirst}). */
    private ExecutionPlan trainPlan;
    /** The forward graph alone, for inference. */
    private ExecutionPlan inferPlan;
    /** The gate mixtures of deeper experts, which the plans compute by kernel (-Dple4j.exec.fused=false: not). */
    private List<ExpertMixture> mixtures = List.of();
    /** The SameDiff the plans were made over (a new one after {@link #doInit} runs again). */
    private SameDiff planned;
    /** PLE parameter name to the name of its gradient in the gradient function (absent: no gradient). */
    private final Map<String, String> gradientNames = new LinkedHashMap<>();
    /** The DL4J parameter arrays the graph's variables are views of. */
    private Map<String, INDArray> viewedParams = Map.of();
    /** The DL4J gradient arrays the plan's gradient outputs are bound into, and their per-tensor views. */
    private Map<String, INDArray> viewedGradients = Map.of();
    private Map<String, INDArray> gradientViews = Map.of();
    private String inputGradient;
    /** The input the training plan's forward ops last ran on, until its backward pass runs. */
    private INDArray forwardInput;

    public PleLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private PleLayer pleLayer() {
        return (PleLayer) layerConf();
    }

    private static boolean usePlan() {
        return !"false".equals(System.getProperty(PLAN_PROPERTY));
    }

    @Override
    @SuppressWarnings("try")     // the workspace scope is entered for its side effect
    protected void doInit() {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            PleLayer conf = pleLayer();
            sameDiff = SameDiff.create();
            // Views as variable arrays, one thread (as DL4J's own SameDiff layers).
            sameDiff.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
            SDVariable in = sameDiff.placeHolder(INPUT_KEY, dataType, -1, conf.inputWidth());
            Map<String, SDVariable> vars = new LinkedHashMap<>();
            for (RecordingParams.Param p : conf.parameterSpecs()) {
                String key = ParamKeys.toDl4j(p.name());
                vars.put(key, sameDiff.var(key, dataType, p.shape()));
            }
            SDVariable mask = sameDiff.placeHolder(MASK_KEY, dataType, -1, -1);
            PleLayer.Defined defined = conf.define(sameDiff, in, vars);
            outputVar = defined.output();
            mixtures = defined.mixtures();
            outputKey = outputVar.name();
            viewedParams = Map.of();
            syncParameterViews();
            SDVariable epsilon = sameDiff.placeHolder(EPSILON, outputVar.dataType(), -1, conf.pleConfig().tasks().size());
            sameDiff.setLossVariables(sameDiff.sum(BACKWARD_LOSS, outputVar.mul(epsilon)));
        }
    }

    /** Points the graph's variables at views of DL4J's current parameter arrays (again when DL4J replaced them). */
    private void syncParameterViews() {
        if (sameDiff.getVariables().isEmpty() || sameParams(viewedParams, paramTable)) {
            return;
        }
        Map<String, INDArray> views = pleLayer().layout().views(paramTable);
        views.forEach((name, v) -> sameDiff.associateArrayWithVariable(v, ParamKeys.toDl4j(name)));
        viewedParams = new HashMap<>(paramTable);
    }

    private static boolean sameParams(Map<String, INDArray> seen, Map<String, INDArray> now) {
        if (seen.size() != now.size()) {
            return false;
        }
        for (Map.Entry<String, INDArray> e : now.entrySet()) {
            if (seen.get(e.getKey()) != e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The per-tensor views of DL4J's current gradient arrays. */
    private Map<String, INDArray> gradientViews() {
        if (!sameParams(viewedGradients, gradTable)) {
            gradientViews = pleLayer().layout().views(gradTable);
            viewedGradients = new HashMap<>(gradTable);
            if (trainPlan != null) {
                gradientNames.forEach((p, g) -> trainPlan.bindOutput(g, gradientViews.get(p)));
            }
        }
        return gradientViews;
    }

    @Override
    @SuppressWarnings("try")     // the workspace scope is entered for its side effect
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!usePlan()) {
            if (sameDiff != null) {
                syncParameterViews();
            }
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ensurePlans();
            pleLayer().validateInput(input);
            if (training) {
                out = trainPlan.runFirst(Map.of(INPUT_KEY, input)).get(outputKey);
                forwardInput = input;
            } else {
                out = inferPlan.run(Map.of(INPUT_KEY, input)).get(outputKey);
            }
        }
        // The plan's buffer is overwritten by its next run: DL4J gets its own copy.
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    /** Makes the plans (once per SameDiff graph), with the gradient function created outside any workspace. */
    private void ensurePlans() {
        if (sameDiff == null) {
            doInit();
        }
        syncParameterViews();
        if (planned == sameDiff) {
            return;
        }
        closePlans();
        GradientFunction.create(sameDiff, INPUT_KEY);
        gradientNames.clear();
        List<String> requested = new ArrayList<>();
        requested.add(outputKey);
        for (RecordingParams.Param p : pleLayer().parameterSpecs()) {
            SDVariable g = sameDiff.getVariable(ParamKeys.toDl4j(p.name())).getGradient();
            if (g != null) {
                gradientNames.put(p.name(), g.name());
                requested.add(g.name());
            }
        }
        SDVariable in = sameDiff.getVariable(INPUT_KEY).getGradient();
        inputGradient = in == null || !pleLayer().isInputGradient() ? null : in.name();
        if (inputGradient != null) {
            requested.add(inputGradient);
        }
        List<ExpertMixture> fused = FusedOp.enabled() ? mixtures : List.of();
        trainPlan = new ExecutionPlan(sameDiff.getFunction("grad"), sameDiff, requested, fused, List.of(EPSILON));
        inferPlan = new ExecutionPlan(sameDiff, sameDiff, List.of(outputKey), fused);
        viewedGradients = Map.of();
        planned = sameDiff;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        return usePlan() ? planBackprop(epsilon, workspaceMgr) : sessionBackprop(epsilon, workspaceMgr);
    }

    @SuppressWarnings("try")     // the workspace scope is entered for its side effect
    private Pair<Gradient, INDArray> planBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray dLdIn;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ensurePlans();
            pleLayer().validateInput(input);
            if (forwardInput != input) {
                // No training forward pass on this input (or another ran since): run it now.
                trainPlan.runFirst(Map.of(INPUT_KEY, input));
            }
            Map<String, INDArray> views = gradientViews();
            Map<String, INDArray> r = trainPlan.runRest(Map.of(EPSILON, epsilon));
            forwardInput = null;
            zeroGradientsWithoutPath(views);
            dLdIn = inputGradient == null ? null : r.get(inputGradient);
        }
        return result(dLdIn, workspaceMgr);
    }

    /** A parameter nothing differentiable depends on (none in a PLE network today) gets a zero gradient. */
    private void zeroGradientsWithoutPath(Map<String, INDArray> views) {
        if (gradientNames.size() != views.size()) {
            views.forEach((p, v) -> {
                if (!gradientNames.containsKey(p)) {
                    v.assign(0);
                }
            });
        }
    }

    private Pair<Gradient, INDArray> result(INDArray dLdIn, LayerWorkspaceMgr workspaceMgr) {
        Gradient g = new DefaultGradient();
        for (String key : paramTable.keySet()) {
            g.gradientForVariable().put(key, gradTable.get(key));
        }
        if (dLdIn == null) {
            // Not requested (PleLayer.isInputGradient), or only categorical ids: they reach the network through a
            // cast to integers, so nothing depends differentiably on the input and its gradient is zero.
            return new Pair<>(g, workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape()));
        }
        return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn));
    }

    @SuppressWarnings("try")     // the workspace scope is entered for its side effect
    private Pair<Gradient, INDArray> sessionBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) {
                doInit();
            }
            syncParameterViews();
            GradientFunction.create(sameDiff, INPUT_KEY);
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

        pleLayer().validateInput(input);
        Map<String, INDArray> placeholders = new HashMap<>();
        placeholders.put(INPUT_KEY, input);
        placeholders.put(EPSILON, epsilon);
        placeholders.put(MASK_KEY, maskArray != null ? maskArray : layerConf().onesMaskForInput(input));

        List<RecordingParams.Param> specs = pleLayer().parameterSpecs();
        List<String> required = new ArrayList<>(specs.size() + 1);
        if (pleLayer().isInputGradient()) {
            required.add(INPUT_KEY);
        }
        specs.forEach(p -> required.add(ParamKeys.toDl4j(p.name())));
        Map<String, INDArray> grads = sameDiff.calculateGradients(placeholders, required);
        Map<String, INDArray> views = gradientViews();
        for (RecordingParams.Param p : specs) {
            INDArray gp = grads.get(ParamKeys.toDl4j(p.name()));
            if (gp == null) {
                views.get(p.name()).assign(0);
            } else {
                views.get(p.name()).assign(gp);
            }
        }
        INDArray dLdIn = grads.get(INPUT_KEY);
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        return result(dLdIn, workspaceMgr);
    }

    private void closePlans() {
        if (trainPlan != null) {
            trainPlan.close();
            trainPlan = null;
        }
        if (inferPlan != null) {
            inferPlan.close();
            inferPlan = null;
        }
        planned = null;
        forwardInput = null;
    }

    @Override
    public void clear() {
        super.clear();
        forwardInput = null;
    }

    /** Frees the execution plans' native buffers (they are made again on the next pass). */
    @Override
    public void close() {
        closePlans();
        super.close();
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
