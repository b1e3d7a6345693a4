package io.github.ple4j.model.exec;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Poisoning exposes a step that reads its output buffer before writing it, on the first run and on every reuse. */
class PoisonTest {
    /** A step with one pooled output; {@code accumulate} makes its kernel add into the output (the bug). */
    private static final class OneOutput extends BufferedStep {
        private final boolean accumulate;

        OneOutput(boolean accumulate, BufferPool pool) {
            super(null, new int[]{0}, new int[]{1}, new DataType[]{DataType.FLOAT});
            this.accumulate = accumulate;
            this.pool = pool;
            this.index = 0;
            this.outEnd = new int[]{1};
        }

        @Override
        void run(INDArray[] values) {
            INDArray x = values[0];
            if (!sameInputs(values)) {
                freeBuffers();
                buffers = new INDArray[]{newBuffer(0, DataType.FLOAT, x.shape())};
                remember(values);
            }
            if (accumulate) {
                buffers[0].addi(x);
            } else {
                buffers[0].assign(x);
            }
            values[1] = buffers[0];
        }
    }

    private static float[] run(OneOutput step, INDArray[] values) {
        step.run(values);
        return values[1].toFloatVector();
    }

    private static boolean allNaN(float[] v) {
        for (float f : v) {
            if (!Float.isNaN(f)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aStepThatReadsItsOutputSeesNaNOnEveryRunAndACorrectOneDoesNot() {
        INDArray[] values = {Nd4j.createFromArray(1f, 2f, 3f), null};
        OneOutput broken = new OneOutput(true, new BufferPool(true));
        assertTrue(allNaN(run(broken, values)), "first hand-out poisoned");
        // Another op's values left in the buffer (what a reused buffer holds in a real plan): the next run of the
        // step must not see them.
        values[1].assign(5f);
        assertTrue(allNaN(run(broken, values)), "poisoned again on reuse");

        OneOutput correct = new OneOutput(false, new BufferPool(true));
        assertArrayEquals(new float[]{1, 2, 3}, run(correct, values));
        values[1].assign(5f);
        assertArrayEquals(new float[]{1, 2, 3}, run(correct, values));
    }

    @Test
    void withoutPoisonTheSameBugGivesPlausibleStaleNumbers() {
        INDArray[] values = {Nd4j.createFromArray(1f, 2f, 3f), null};
        OneOutput broken = new OneOutput(true, new BufferPool(false));
        run(broken, values);
        values[1].assign(5f);
        // 5 + x: finite and wrong, which is why the plan tests run once more with poisoning on.
        assertArrayEquals(new float[]{6, 7, 8}, run(broken, values));
    }

    @Test
    void anInputIsNeverPoisoned() {
        BufferPool pool = new BufferPool(true);
        INDArray pooled = pool.take(DataType.FLOAT, new long[]{3}, 0, 1);
        pooled.assign(4f);
        OneOutput step = new OneOutput(false, pool);
        INDArray[] values = {pooled, null};
        step.run(values);
        // The step's output buffer is now its input too (as an in-place op's is): a reuse must not poison it.
        step.buffers[0] = pooled;
        step.run(values);
        assertArrayEquals(new float[]{4, 4, 4}, values[1].toFloatVector());
    }
}
