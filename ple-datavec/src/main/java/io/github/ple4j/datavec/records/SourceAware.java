package io.github.ple4j.datavec.records;

/**
 * A record reader that can say which file it is reading and how far it got, so that errors can name the file
 * and line even when no record came out (an empty file, a file cut short before its first line).
 */
public interface SourceAware {
    /** The file (or other source) being read now, or null when unknown. */
    String currentSource();

    /**
     * Lines of the current source consumed so far, including skipped header lines; the next line has the
     * 1-based number {@code linesConsumed() + 1}. -1 when unknown.
     */
    long linesConsumed();
}
