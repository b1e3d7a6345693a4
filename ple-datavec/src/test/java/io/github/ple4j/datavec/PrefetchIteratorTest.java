package io.github.ple4j.datavec;

import io.github.ple4j.model.config.InputSpec;
import io.github.ple4j.model.config.TaskSpec;
import io.github.ple4j.model.graph.GraphSignature;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PrefetchIteratorTest {

    private static ArraysIterator arrays(int rows) {
        GraphSignature sig = Fixtures.signature(InputSpec.dense(1), TaskSpec.regression("y", 2));
        INDArray x = Nd4j.arange(rows).reshape(rows, 1).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        return new ArraysIterator(sig, Map.of(GraphSignature.DENSE, x, GraphSignature.label("y"), x.mul(2)), 3, null);
    }

    @Test
    void givesTheSourceBatchesAndStartsOverOnReset() {
        try (PrefetchIterator it = new PrefetchIterator(arrays(8), 2)) {
            List<MultiDataSet> direct = Fixtures.drain(arrays(8));
            Fixtures.assertSameBatches(direct, Fixtures.drain(it));
            it.reset();
            it.next();
            it.reset();
            Fixtures.assertSameBatches(direct, Fixtures.drain(it));
            assertFalse(it.asyncSupported());
        }
    }

    @Test
    void anErrorReachesAConsumerThatIsAlreadyWaiting() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        MultiDataSetIterator failing = new Failing(boom);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (PrefetchIterator it = new PrefetchIterator(failing, 2)) {
                it.next();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::hasNext);
                assertSame(boom, e);
                assertSame(boom, assertThrows(IllegalArgumentException.class, it::hasNext));
            }
        });
    }

    /** One batch, then (after a pause, so the consumer is waiting) an exception. */
    private static class Failing implements MultiDataSetIterator {
        private static final long serialVersionUID = 1L;
        private final RuntimeException error;
        private int calls;

        Failing(RuntimeException error) {
            this.error = error;
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public MultiDataSet next() {
            if (calls++ == 0) {
                return arrays(1).next();
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw error;
        }

        @Override
        public MultiDataSet next(int num) {
            return next();
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public boolean resetSupported() {
            return false;
        }

        @Override
        public boolean asyncSupported() {
            return true;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void closeStopsTheThreadAndClosesTheSource() {
        boolean[] closed = {false};
        class Closing extends Failing implements AutoCloseable {
            Closing() {
                super(new IllegalStateException("never"));
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        }
        PrefetchIterator it = new PrefetchIterator(new Closing(), 1);
        it.hasNext();
        it.close();
        assertEquals(true, closed[0]);
    }
}
