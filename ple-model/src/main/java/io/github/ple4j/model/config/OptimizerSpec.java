package io.github.ple4j.model.config;

import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimiser.
 *
 * @param type         algorithm
 * @param learningRate step size (> 0)
 */
public record OptimizerSpec(Type type, double learningRate) {
    /** Supported algorithms, with ND4J's default hyper-parameters besides the learning rate. */
    public enum Type { ADAM, AMSGRAD, SGD, NESTEROVS, ADAGRAD, RMSPROP }

    public OptimizerSpec {
        Checks.notNull("training.optimizer.type", type);
        Checks.finitePositive("training.optimizer.learningRate", learningRate);
    }

    /** Adam with the given learning rate. */
    public static OptimizerSpec adam(double learningRate) {
        return new OptimizerSpec(Type.ADAM, learningRate);
    }

    /** The ND4J updater configuration. */
    public IUpdater toUpdater() {
        return switch (type) {
            case ADAM -> new Adam(learningRate);
            case AMSGRAD -> new AMSGrad(learningRate);
            case SGD -> new Sgd(learningRate);
            case NESTEROVS -> new Nesterovs(learningRate);
            case ADAGRAD -> new AdaGrad(learningRate);
            case RMSPROP -> new RmsProp(learningRate);
        };
    }
}
