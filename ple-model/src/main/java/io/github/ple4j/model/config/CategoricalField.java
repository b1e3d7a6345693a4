package io.github.ple4j.model.config;

/**
 * A categorical input field looked up in an embedding table: single-valued (one id per row) or a bag of ids per
 * row ({@link BagSpec}). Several fields may look up one table (a target item and the items of a user's history):
 * fields that name the same {@code table} share its rows, and must agree on its size and width.
 *
 * @param name           field name (a letter, then letters, digits, '_' or '-')
 * @param vocabularySize rows of the field's table, including any out-of-vocabulary or hash buckets; ids are
 *                       0..vocabularySize-1
 * @param embeddingDim   width of the table's rows
 * @param table          the table the field looks up; null means a table of its own, named like the field
 * @param bag            null for a single-valued field; the bag's length limit and pooling otherwise
 */
public record CategoricalField(String name, int vocabularySize, int embeddingDim, String table, BagSpec bag) {
    public CategoricalField {
        Checks.name("categorical field name", name);
        Checks.positive("categorical field '" + name + "' vocabularySize", vocabularySize);
        Checks.positive("categorical field '" + name + "' embeddingDim", embeddingDim);
        table = table == null ? name : Checks.name("categorical field '" + name + "' table", table);
    }

    /** A single-valued field with a table of its own. */
    public CategoricalField(String name, int vocabularySize, int embeddingDim) {
        this(name, vocabularySize, embeddingDim, null, null);
    }

    /** A copy that looks up the table {@code table} (shared with the other fields that name it). */
    public CategoricalField withTable(String table) {
        return new CategoricalField(name, vocabularySize, embeddingDim, table, bag);
    }

    /** A copy that holds a bag of up to {@code maxLength} ids per row, pooled by {@code pooling}. */
    public CategoricalField asBag(int maxLength, Pooling pooling) {
        return new CategoricalField(name, vocabularySize, embeddingDim, table, new BagSpec(maxLength, pooling));
    }

    /** "'city' (vocabularySize 5, embeddingDim 3)", plus the shared table and the bag when there are. */
    @Override
    public String toString() {
        return "'" + name + "' (vocabularySize " + vocabularySize + ", embeddingDim " + embeddingDim
                + (table.equals(name) ? "" : ", table '" + table + "'")
                + (bag == null ? "" : ", bag of up to " + bag.maxLength() + " ids pooled by " + bag.pooling()) + ")";
    }

    /** Whether the field holds a bag of ids per row. */
    public boolean multiValued() {
        return bag != null;
    }
}
