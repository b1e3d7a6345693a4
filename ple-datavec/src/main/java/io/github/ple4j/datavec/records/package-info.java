/**
 * DataVec record readers and helpers: {@link io.github.ple4j.datavec.records.CsvFileReader} (CSVRecordReader over a
 * plain or gzip file, fields as {@link io.github.ple4j.datavec.records.CsvCell}s),
 * {@link io.github.ple4j.datavec.records.Shards} (the part files of a directory or glob),
 * {@link io.github.ple4j.datavec.records.ShardedCsvReader} (part files as one stream, reordered per epoch),
 * {@link io.github.ple4j.datavec.records.ShuffledRecordReader} (a seeded shuffle buffer),
 * {@link io.github.ple4j.datavec.records.LimitedRecordReader} (the first N records),
 * {@link io.github.ple4j.datavec.records.SelectedRowsRecordReader} (records at chosen positions) and
 * {@link io.github.ple4j.datavec.records.RowSplit} (a seeded split of row positions). All stream: nothing loads a
 * whole file.
 */
package io.github.ple4j.datavec.records;
