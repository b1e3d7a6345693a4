package io.github.ple4j.model.config;

/**
 * A categorical input field looked up in an embedding table.
 *
 * @param name           field name (a letter, then letters, digits, '_' or '-')
 * @param vocabularySize number of ids, including any out-of-vocabulary bucket; ids are 0..vocabularySize-1
 * @param embeddingDim   width of the field's embedding vector
 */
public record CategoricalField(String name, int vocabularySize, int embeddingDim) {
    public CategoricalField {
        Checks.name("categorical field name", name);
        Checks.positive("categorical field '" + name + "' vocabularySize", vocabularySize);
        Checks.positive("categorical field '" + name + "' embeddingDim", embeddingDim);
    }
}
