package io.github.ple4j.datavec;

import io.github.ple4j.datavec.schema.LabelRule;
import io.github.ple4j.datavec.schema.TaskLabel;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one task's label from a record: the label, or NaN when the record has no label for the task (its label cell
 * holds a missing-label value, or the record is outside the task's sample space; the label cell is then not read).
 */
final class LabelReader {
    private final TaskLabel task;
    private final List<String> missingValues;
    private final Set<String> missing;
    private final boolean trim;
    private final Set<String> positive;
    private final Set<String> negative;
    private final boolean open;
    private final int spaceColumn;
    private final Set<String> space;

    LabelReader(TaskLabel task, List<String> missingValues, boolean trim) {
        this.task = task;
        this.missingValues = List.copyOf(missingValues);
        this.missing = new HashSet<>(missingValues);
        this.trim = trim;
        if (task.rule() instanceof LabelRule.Binary b) {
            this.positive = new HashSet<>(b.positive());
            this.negative = new HashSet<>(b.negative());
            this.open = b.isOpen();
        } else {
            this.positive = Set.of();
            this.negative = Set.of();
            this.open = false;
        }
        this.spaceColumn = task.sampleSpace() == null ? -1 : task.sampleSpace().column();
        this.space = task.sampleSpace() == null ? Set.of() : new HashSet<>(task.sampleSpace().values());
    }

    private String prefix() {
        return "task '" + task.name() + "': ";
    }

    /** Whether the record is in the task's sample space (always, without one). */
    boolean inSampleSpace(RecordCursor.Row row) {
        return spaceColumn < 0 || space.contains(Fields.text(row, spaceColumn, trim));
    }

    /** The label (0/1 for binary tasks), or NaN when the value is a missing-label value. */
    double read(RecordCursor.Row row) {
        if (!inSampleSpace(row)) {
            return Double.NaN;
        }
        int col = task.column();
        String v = Fields.text(row, col, trim);
        if (missing.contains(v)) {
            return Double.NaN;
        }
        if (task.rule() instanceof LabelRule.Regression) {
            return Fields.number(row, col, task.columnName(), trim, prefix(),
                    "a finite number" + (missingValues.isEmpty() ? "" : " or a missing-label value " + Fields.quoted(missingValues)));
        }
        if (positive.contains(v)) {
            return 1;
        }
        if (open || negative.contains(v)) {
            return 0;
        }
        LabelRule.Binary b = (LabelRule.Binary) task.rule();
        String expected = "a positive value " + Fields.quoted(b.positive())
                + (missingValues.isEmpty() ? " or" : ",") + " a negative value " + Fields.quoted(b.negative())
                + (missingValues.isEmpty() ? "" : " or a missing-label value " + Fields.quoted(missingValues));
        throw new InvalidDataException(row.position(), col, task.columnName(),
                prefix() + "expected " + expected + " but found '" + v + "'", null);
    }
}
