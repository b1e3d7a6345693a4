package io.github.ple4j.cli.job;

import io.github.ple4j.model.config.Pooling;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of the CSV files and the role of each column.
 *
 * @param delimiter          one character (default ","; "\t" for tab-separated files)
 * @param header             whether the first line of every file names the columns (default true)
 * @param columns            the column names, in file order; required without a header; with a header, if given,
 *                           every file's header must equal it
 * @param dense              numeric columns, standardised with the training mean and standard deviation
 * @param ids                categorical columns looked up in embedding tables (unseen values share id 0)
 * @param embeddingDim       embedding width of the {@code ids} columns (default 4)
 * @param embeddingDims      per-column embedding widths overriding {@code embeddingDim}
 * @param oneHot             categorical columns one-hot encoded into the dense vector
 * @param minCount           categorical values seen fewer times in the training data count as unseen (default 1)
 * @param labels             one label column per task, in task order (at least one)
 * @param missingLabelValues texts meaning "this row has no label for this task" (default [""]): the row is left
 *                           out of that task's loss only (paper Eq. 9)
 * @param bags               multi-valued categorical columns ("tag1|tag2"), each row's values looked up in an
 *                           embedding table and pooled
 * @param separator          the text between a bag's values (default "|")
 * @param separators         per-bag-column separators overriding {@code separator}
 * @param maxBagLength       the most values a bag keeps (default 50; longer bags keep their first values and are
 *                           counted when the preprocessing is fitted)
 * @param bagPooling         SUM or MEAN (default MEAN) of a bag's embeddings
 * @param buckets            per ids or bags column, a hash bucket count: ids by hashing (MurmurHash3, no fitted
 *                           vocabulary, the same bucket at training and serving) instead of a vocabulary
 * @param maxVocabulary      the most values a fitted vocabulary keeps, the most frequent (default 0: no limit)
 * @param tables             per ids or bags column, the name of a table it shares with the other columns naming it
 *                           (a column's own table is named like the column): one vocabulary over all their values
 */
public record CsvSpec(String delimiter, Boolean header, List<String> columns, List<String> dense, List<String> ids,
                      Integer embeddingDim, Map<String, Integer> embeddingDims, List<String> oneHot, Integer minCount,
                      List<LabelSpec> labels, List<String> missingLabelValues, List<String> bags, String separator,
                      Map<String, String> separators, Integer maxBagLength, Pooling bagPooling,
                      Map<String, Integer> buckets, Integer maxVocabulary, Map<String, String> tables) {
    /** The bag separator when none is given. */
    public static final String DEFAULT_SEPARATOR = "|";
    /** The bag length limit when none is given. */
    public static final int DEFAULT_MAX_BAG_LENGTH = 50;

    public CsvSpec {
        delimiter = delimiter == null ? "," : delimiter;
        if (delimiter.length() != 1 || delimiter.equals("\"") || delimiter.equals("\n") || delimiter.equals("\r")) {
            throw new IllegalArgumentException("delimiter must be one character other than a quote or a line break but was '"
                    + delimiter + "'");
        }
        header = header == null ? Boolean.TRUE : header;
        columns = columns == null ? null : Validation.columns("columns", columns);
        if (!header && columns == null) {
            throw new IllegalArgumentException("columns must name the file's columns when header is false");
        }
        dense = Validation.columns("dense", dense);
        ids = Validation.columns("ids", ids);
        oneHot = Validation.columns("oneHot", oneHot);
        bags = Validation.columns("bags", bags);
        separator = separator == null ? DEFAULT_SEPARATOR : separator;
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("separator must be at least one character but was ''");
        }
        separators = checkedMap("separators", separators, bags, "bags");
        for (Map.Entry<String, String> e : separators.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("separators." + e.getKey() + " must be at least one character but was "
                        + (e.getValue() == null ? "null" : "''"));
            }
        }
        maxBagLength = Validation.atLeast("maxBagLength", maxBagLength, 1, DEFAULT_MAX_BAG_LENGTH);
        bagPooling = bagPooling == null ? Pooling.MEAN : bagPooling;
        List<String> idLike = new java.util.ArrayList<>(ids);
        idLike.addAll(bags);
        buckets = checkedMap("buckets", buckets, idLike, "ids or bags");
        for (Map.Entry<String, Integer> e : buckets.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("buckets." + e.getKey() + " must be a number but was null");
            }
            Validation.atLeast("buckets." + e.getKey(), e.getValue(), 1, 1);
        }
        maxVocabulary = Validation.atLeast("maxVocabulary", maxVocabulary, 0, 0);
        tables = checkedMap("tables", tables, idLike, "ids or bags");
        for (Map.Entry<String, String> e : tables.entrySet()) {
            Validation.name("tables." + e.getKey(), e.getValue());
        }
        embeddingDim = Validation.atLeast("embeddingDim", embeddingDim, 1, 4);
        embeddingDims = embeddingDims == null ? Map.of() : new LinkedHashMap<>(embeddingDims);
        for (Map.Entry<String, Integer> e : embeddingDims.entrySet()) {
            if (!ids.contains(e.getKey()) && !bags.contains(e.getKey())) {
                throw new IllegalArgumentException("embeddingDims names the column '" + e.getKey()
                        + "' but it is not one of the ids or bags columns " + idLike);
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("embeddingDims." + e.getKey() + " must be a number but was null");
            }
            Validation.atLeast("embeddingDims." + e.getKey(), e.getValue(), 1, 1);
        }
        embeddingDims = java.util.Collections.unmodifiableMap(embeddingDims);
        minCount = Validation.atLeast("minCount", minCount, 1, 1);
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("labels must have at least one task's label column but was "
                    + (labels == null ? "missing" : "[]"));
        }
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i) == null) {
                throw new IllegalArgumentException("labels[" + i + "] must be an object but was null");
            }
        }
        labels = List.copyOf(labels);
        if (dense.isEmpty() && ids.isEmpty() && oneHot.isEmpty() && bags.isEmpty()) {
            throw new IllegalArgumentException("at least one feature column is needed (dense, ids, bags or oneHot) but none "
                    + "was given");
        }
        Map<String, String> roles = new HashMap<>();
        claim(roles, dense, "dense");
        claim(roles, ids, "ids");
        claim(roles, oneHot, "oneHot");
        claim(roles, bags, "bags");
        Map<String, Boolean> tasks = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            LabelSpec l = labels.get(i);
            if (tasks.put(l.task(), true) != null) {
                throw new IllegalArgumentException("labels[" + i + "]: the task '" + l.task() + "' is defined twice");
            }
            claim(roles, List.of(l.column()), "labels[" + i + "] (task '" + l.task() + "')");
        }
        if (columns != null) {
            for (int i = 0; i < labels.size(); i++) {
                SampleSpaceSpec ss = labels.get(i).sampleSpace();
                if (ss != null && !columns.contains(ss.column())) {
                    throw new IllegalArgumentException("labels[" + i + "].sampleSpace.column names the column '"
                            + ss.column() + "' but it is not in columns " + columns);
                }
            }
            for (String c : roles.keySet()) {
                if (!columns.contains(c)) {
                    throw new IllegalArgumentException(roles.get(c) + " names the column '" + c
                            + "' but it is not in columns " + columns);
                }
            }
        }
        missingLabelValues = missingLabelValues == null ? List.of("") : Validation.texts("missingLabelValues", missingLabelValues);
        for (int i = 0; i < labels.size(); i++) {
            LabelSpec l = labels.get(i);
            if (l.positive() != null) {
                for (String v : missingLabelValues) {
                    if (l.positive().contains(v) || l.negative().contains(v)) {
                        throw new IllegalArgumentException("labels[" + i + "]: the value '" + v + "' of task '" + l.task()
                                + "' is also a missing-label value " + missingLabelValues);
                    }
                }
            }
        }
    }

    /** A copy of an optional column-keyed map whose keys must be among {@code allowed}. */
    private static <V> Map<String, V> checkedMap(String field, Map<String, V> map, List<String> allowed, String role) {
        if (map == null) {
            return Map.of();
        }
        for (String k : map.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(field + " names the column '" + k + "' but it is not one of the " + role
                        + " columns " + allowed);
            }
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static void claim(Map<String, String> roles, List<String> columns, String role) {
        for (String c : columns) {
            String before = roles.put(c, role);
            if (before != null) {
                throw new IllegalArgumentException("the column '" + c + "' is used twice: in " + before + " and in " + role);
            }
        }
    }

    /** The delimiter character. */
    public char delimiterChar() {
        return delimiter.charAt(0);
    }

    /** The columns the model reads (labels excluded), in no particular order. */
    public List<String> featureColumns() {
        List<String> all = new java.util.ArrayList<>(dense);
        all.addAll(ids);
        all.addAll(oneHot);
        all.addAll(bags);
        return all;
    }

    /** Task names, in order. */
    public List<String> taskNames() {
        return labels.stream().map(LabelSpec::task).toList();
    }
}
