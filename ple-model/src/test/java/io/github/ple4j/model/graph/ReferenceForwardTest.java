package io.github.ple4j.model.graph;

import io.github.ple4j.model.config.Activation;
import io.github.ple4j.model.config.CategoricalField;
import io.github.ple4j.model.config.ExtractionSpec;
import io.github.ple4j.model.config.GateSpec;
import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.ModelDataType;
import io.github.ple4j.model.config.PleConfig;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.config.TaskType;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SameDiff graph against an independent plain-Java forward pass written from the paper's equations
 * (Tang et al. 2020, Eq. 2-6): per level, experts per group; each task gate is softmax(W x_k [+ b]) over the task's
 * own and the shared experts and reads the task's previous output; the shared gate mixes all experts of the level,
 * reads the shared previous output and exists on every level but the last; towers and sigmoid/identity heads.
 */
class ReferenceForwardTest {
    private static final double TOL = 1e-10;

    // ---------------------------------------------------------------- the reference model

    /** One dense layer of a logical expert or tower. */
    record Layer(double[][] w, double[] b) {
    }

    /** Plain-Java PLE forward pass reading its parameters from a built graph. */
    static final class Reference {
        final PleConfig cfg;
        final SameDiff sd;
        final Map<String, double[][]> gates = new LinkedHashMap<>();

        Reference(PleGraph g) {
            this.cfg = g.config();
            this.sd = g.sameDiff();
        }

        INDArray param(String name) {
            SDVariable v = sd.getVariable(name);
            if (v == null || (v.getVariableType() != VariableType.VARIABLE && v.getVariableType() != VariableType.CONSTANT)) {
                throw new AssertionError("no parameter '" + name + "' in the graph");
            }
            return v.getArr();
        }

        /** Layers of a logical expert, unpacked from the fused physical layout. */
        List<Layer> expert(int level, String group, int index) {
            ExtractionSpec ex = cfg.extraction();
            List<Integer> hidden = ex.expertHidden();
            String bank;
            int e;
            if (level == 0) {
                bank = "level0/experts";
                e = group.equals(PleNetwork.SHARED) ? cfg.tasks().size() * ex.expertsPerTask() + index
                        : cfg.taskIndex(group) * ex.expertsPerTask() + index;
            } else {
                bank = "level" + level + "/experts/" + group;
                e = index;
            }
            List<Layer> layers = new ArrayList<>();
            INDArray w0 = param(bank + "/layer0/W");
            INDArray b0 = param(bank + "/layer0/b");
            int h0 = hidden.get(0);
            int in = (int) w0.size(0);
            double[][] w = new double[in][h0];
            double[] b = new double[h0];
            for (int c = 0; c < h0; c++) {
                for (int r = 0; r < in; r++) {
                    w[r][c] = w0.getDouble(r, (long) e * h0 + c);
                }
                b[c] = b0.getDouble(0, (long) e * h0 + c);
            }
            layers.add(new Layer(w, b));
            for (int j = 1; j < hidden.size(); j++) {
                INDArray wj = param(bank + "/layer" + j + "/W");
                INDArray bj = param(bank + "/layer" + j + "/b");
                int a = hidden.get(j - 1);
                int bb = hidden.get(j);
                double[][] m = new double[a][bb];
                double[] v = new double[bb];
                for (int c = 0; c < bb; c++) {
                    for (int r = 0; r < a; r++) {
                        m[r][c] = wj.getDouble(e, r, c);
                    }
                    v[c] = bj.getDouble(e, 0, c);
                }
                layers.add(new Layer(m, v));
            }
            return layers;
        }

        Layer dense(String path) {
            double[][] w = param(path + "/W").toDoubleMatrix();
            double[] b = sd.hasVariable(path + "/b") ? param(path + "/b").reshape(-1).toDoubleVector() : new double[w[0].length];
            return new Layer(w, b);
        }

        double act(double z) {
            Activation a = cfg.extraction().activation();
            return switch (a) {
                case TANH -> Math.tanh(z);
                case IDENTITY -> z;
                case RELU -> Math.max(z, 0);
                case SIGMOID -> 1 / (1 + Math.exp(-z));
                default -> throw new UnsupportedOperationException(a.toString());
            };
        }

        /** y = act(x W + b) for one row, or without activation. */
        double[] apply(Layer l, double[] x, boolean activate) {
            int out = l.b().length;
            double[] y = new double[out];
            for (int c = 0; c < out; c++) {
                double z = l.b()[c];
                for (int r = 0; r < x.length; r++) {
                    z += x[r] * l.w()[r][c];
                }
                y[c] = activate ? act(z) : z;
            }
            return y;
        }

        double[] mlp(List<Layer> layers, double[] x) {
            double[] h = x;
            for (Layer l : layers) {
                h = apply(l, h, true);
            }
            return h;
        }

        static double[] softmax(double[] z) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double[] p = new double[z.length];
            double s = 0;
            for (int i = 0; i < z.length; i++) {
                p[i] = Math.exp(z[i] - max);
                s += p[i];
            }
            for (int i = 0; i < z.length; i++) {
                p[i] /= s;
            }
            return p;
        }

        /** Gate of paper Eq. 3 over the given expert outputs, recording its weights under {@code name} row by row. */
        double[] gate(String name, int level, String owner, double[] in, List<double[]> expertOut, int row, int rows) {
            if (expertOut.size() == 1) {
                return expertOut.get(0);
            }
            String path = "level" + level + "/gate/" + owner;
            double[][] w = param(path + "/W").toDoubleMatrix();
            double[] logits = new double[expertOut.size()];
            for (int c = 0; c < logits.length; c++) {
                double z = cfg.gate().bias() ? param(path + "/b").getDouble(0, c) : 0;
                for (int r = 0; r < in.length; r++) {
                    z += in[r] * w[r][c];
                }
                logits[c] = z;
            }
            double[] p = softmax(logits);
            gates.computeIfAbsent(name, k -> new double[rows][])[row] = p;
            double[] out = new double[expertOut.get(0).length];
            for (int i = 0; i < p.length; i++) {
                for (int c = 0; c < out.length; c++) {
                    out[c] += p[i] * expertOut.get(i)[c];
                }
            }
            return out;
        }

        /** Input row: dense features then each categorical field's embedding row. */
        double[] input(double[] dense, double[] ids) {
            List<Double> v = new ArrayList<>();
            if (dense != null) {
                for (double d : dense) {
                    v.add(d);
                }
            }
            List<CategoricalField> fields = cfg.inputs().categorical();
            for (int c = 0; c < fields.size(); c++) {
                INDArray table = param("embedding/" + fields.get(c).name());
                for (int d = 0; d < fields.get(c).embeddingDim(); d++) {
                    v.add(table.getDouble((long) ids[c], d));
                }
            }
            return v.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** Predictions per task, [rows] each; fills {@link #gates}. */
        Map<String, double[]> predict(double[][] dense, double[][] ids, int rows) {
            ExtractionSpec ex = cfg.extraction();
            List<String> tasks = cfg.tasks().stream().map(TaskSpec::name).toList();
            Map<String, double[]> pred = new LinkedHashMap<>();
            tasks.forEach(t -> pred.put(t, new double[rows]));
            for (int i = 0; i < rows; i++) {
                double[] x = input(dense == null ? null : dense[i], ids == null ? null : ids[i]);
                List<double[]> taskIn = new ArrayList<>();
                tasks.forEach(t -> taskIn.add(x));
                double[] sharedIn = x;
                for (int l = 0; l < ex.levels(); l++) {
                    boolean last = l == ex.levels() - 1;
                    // experts: task k's read task k's previous output, shared ones the shared previous output
                    Map<String, List<double[]>> out = new LinkedHashMap<>();
                    for (int k = 0; k < tasks.size(); k++) {
                        List<double[]> own = new ArrayList<>();
                        for (int e = 0; e < ex.expertsPerTask(); e++) {
                            own.add(mlp(expert(l, tasks.get(k), e), taskIn.get(k)));
                        }
                        out.put(tasks.get(k), own);
                    }
                    List<double[]> shared = new ArrayList<>();
                    for (int e = 0; e < ex.sharedExperts(); e++) {
                        shared.add(mlp(expert(l, PleNetwork.SHARED, e), sharedIn));
                    }
                    List<double[]> nextTask = new ArrayList<>();
                    for (int k = 0; k < tasks.size(); k++) {
                        List<double[]> mix = new ArrayList<>(out.get(tasks.get(k)));
                        mix.addAll(shared);
                        nextTask.add(gate("gate/level" + l + "/" + tasks.get(k), l, tasks.get(k), taskIn.get(k), mix, i, rows));
                    }
                    if (!last && ex.sharedExperts() > 0) {
                        List<double[]> mix = new ArrayList<>();
                        out.values().forEach(mix::addAll);
                        mix.addAll(shared);
                        sharedIn = gate("gate/level" + l + "/shared", l, PleNetwork.SHARED, sharedIn, mix, i, rows);
                    }
                    taskIn.clear();
                    taskIn.addAll(nextTask);
                }
                for (int k = 0; k < tasks.size(); k++) {
                    TaskSpec t = cfg.tasks().get(k);
                    double[] h = taskIn.get(k);
                    for (int j = 0; j < t.towerHidden().size(); j++) {
                        h = apply(dense("tower/" + t.name() + "/layer" + j), h, true);
                    }
                    double logit = apply(dense("tower/" + t.name() + "/head"), h, false)[0];
                    pred.get(t.name())[i] = t.type() == TaskType.BINARY ? 1 / (1 + Math.exp(-logit)) : logit;
                }
            }
            return pred;
        }
    }

    // ---------------------------------------------------------------- comparisons

    private static void compare(PleConfig cfg, int expectedGates) {
        PleGraph g = PleGraphBuilder.build(cfg);
        GraphTestSupport.randomizeParameters(g, 77, 1.0);
        int rows = 6;
        MultiDataSet data = GraphTestSupport.batch(cfg, 13, rows, false);
        Map<String, INDArray> ph = new Feeds(g).batch(data, null);
        List<String> names = new ArrayList<>(g.signature().predictionOutputs());
        g.gates().forEach(gi -> names.add(gi.output()));
        assertEquals(expectedGates, g.gates().size(), "gates in the graph");
        Map<String, INDArray> out = GraphTestSupport.outputs(g.sameDiff(), ph, names.toArray(new String[0]));

        double[][] dense = cfg.inputs().denseSize() > 0 ? data.getFeatures(0).toDoubleMatrix() : null;
        double[][] ids = cfg.inputs().hasCategorical() ? data.getFeatures(data.numFeatureArrays() - 1).toDoubleMatrix() : null;
        Reference ref = new Reference(g);
        Map<String, double[]> pred = ref.predict(dense, ids, rows);

        for (TaskSpec t : cfg.tasks()) {
            INDArray actual = out.get(GraphSignature.prediction(t.name()));
            assertArrayEquals(new long[]{rows, 1}, actual.shape());
            assertArrayEquals(pred.get(t.name()), actual.reshape(-1).toDoubleVector(), TOL, "prediction of " + t.name());
        }
        assertEquals(ref.gates.keySet(), g.gates().stream().map(GateInfo::output).collect(java.util.stream.Collectors.toSet()),
                "the reference and the graph have the same gates");
        for (GateInfo gi : g.gates()) {
            double[][] expected = ref.gates.get(gi.output());
            double[][] actual = out.get(gi.output()).toDoubleMatrix();
            assertEquals(gi.experts().size(), actual[0].length, gi.output() + " width");
            for (int i = 0; i < rows; i++) {
                assertArrayEquals(expected[i], actual[i], TOL, gi.output() + " row " + i);
                double sum = 0;
                for (double v : actual[i]) {
                    assertTrue(v > 0 && v < 1, gi.output() + " weight in (0, 1)");
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-12, gi.output() + " row " + i + " sums to 1");
            }
        }
    }

    @Test
    void pleTwoLevelsThreeTasksMatchesTheReference() {
        PleConfig cfg = PleConfig.builder().denseInputs(5)
                .task(TaskSpec.binary("ctr", 3)).task(TaskSpec.regression("time", 3)).task(TaskSpec.binary("share", 3))
                .extraction(new ExtractionSpec(2, 2, 2, List.of(4, 3), Activation.TANH))
                .gate(new GateSpec(true)).seed(3).dataType(ModelDataType.DOUBLE).build();
        compare(cfg, 3 + 1 + 3);
    }

    @Test
    void pleThreeLevelsWithCategoricalInputsMatchesTheReference() {
        PleConfig cfg = PleConfig.builder()
                .inputs(new InputSpec(3, List.of(new CategoricalField("c1", 5, 2), new CategoricalField("c2", 4, 3))))
                .task(TaskSpec.binary("a", 2)).task(TaskSpec.binary("b"))
                .extraction(new ExtractionSpec(3, 1, 2, List.of(3), Activation.TANH))
                .seed(4).dataType(ModelDataType.DOUBLE).build();
        compare(cfg, 2 + 1 + 2 + 1 + 2);
    }

    @Test
    void pleWithoutSharedExpertsAndStackedMmoeMatchTheReference() {
        PleConfig noShared = PleConfig.builder().denseInputs(4)
                .task(TaskSpec.binary("a", 3)).task(TaskSpec.binary("b", 2))
                .extraction(new ExtractionSpec(2, 2, 0, List.of(3), Activation.TANH))
                .seed(8).dataType(ModelDataType.DOUBLE).build();
        compare(noShared, 2 + 2);
        PleConfig stacked = noShared.withExtraction(new ExtractionSpec(2, 0, 3, List.of(3, 2), Activation.TANH));
        compare(stacked, 2 + 1 + 2);
    }

    @Test
    void mmoeMatchesTheReference() {
        PleConfig cfg = PleConfig.builder().denseInputs(4)
                .task(TaskSpec.binary("a", 3)).task(TaskSpec.regression("b", 2))
                .extraction(ExtractionSpec.mmoe(3, 4, 3).withActivation(Activation.TANH))
                .gate(new GateSpec(true)).seed(5).dataType(ModelDataType.DOUBLE).build();
        compare(cfg, 2);
    }

    @Test
    void singleTaskMatchesTheReference() {
        PleConfig cfg = PleConfig.builder().denseInputs(4)
                .task(TaskSpec.binary("a", 3)).task(TaskSpec.regression("b"))
                .extraction(ExtractionSpec.singleTask(4, 3).withActivation(Activation.TANH))
                .seed(6).dataType(ModelDataType.DOUBLE).build();
        compare(cfg, 0);
    }

    @Test
    void handComputedCgc() {
        PleConfig cfg = PleConfig.builder().denseInputs(2)
                .task(TaskSpec.binary("a")).task(TaskSpec.binary("b"))
                .extraction(ExtractionSpec.cgc(1, 1, 1).withActivation(Activation.IDENTITY))
                .seed(1).dataType(ModelDataType.DOUBLE).build();
        PleGraph g = PleGraphBuilder.build(cfg);
        SameDiff sd = g.sameDiff();
        for (String p : g.parameterNames()) {
            sd.getVariable(p).getArr().assign(p.endsWith("/W") ? 0.5 : 0.0);
        }
        // every weight was really set: the fused expert bank holds all 3 experts' single unit
        assertArrayEquals(new long[]{2, 3}, sd.getVariable("level0/experts/layer0/W").getArr().shape());

        INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][]{{1, 2}});
        Map<String, INDArray> ph = new Feeds(g).features(x);
        Map<String, INDArray> out = GraphTestSupport.outputs(sd, ph, "gate/level0/a", "gate/level0/b",
                "logit/a", "logit/b", "prediction/a", "prediction/b");
        assertFalse(g.gates().stream().anyMatch(gi -> gi.output().equals("gate/level0/shared")),
                "a one-level CGC has no shared gate");
        for (String t : List.of("a", "b")) {
            assertArrayEquals(new double[]{0.5, 0.5}, out.get("gate/level0/" + t).reshape(-1).toDoubleVector(), 1e-15);
            assertEquals(0.75, out.get("logit/" + t).getDouble(0), 1e-15);
            assertEquals(0.679178699175393, out.get("prediction/" + t).getDouble(0), 1e-15);
        }
        // the reference agrees on the same numbers, and each expert outputs 1.5
        Reference ref = new Reference(g);
        for (String grp : List.of("a", "b", "shared")) {
            assertArrayEquals(new double[]{1.5}, ref.mlp(ref.expert(0, grp, 0), new double[]{1, 2}), 1e-15);
        }
        assertEquals(0.679178699175393, ref.predict(new double[][]{{1, 2}}, null, 1).get("a")[0], 1e-15);
    }
}
