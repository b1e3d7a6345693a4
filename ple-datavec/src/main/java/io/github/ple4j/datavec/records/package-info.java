/**
 * DataVec record readers and helpers: {@link io.github.ple4j.datavec.records.CsvFileReader} (CSVRecordReader over a
 * plain or gzip file), {@link io.github.ple4j.datavec.records.LimitedRecordReader} (the first N records),
 * {@link io.github.ple4j.datavec.records.SelectedRowsRecordReader} (records at chosen positions) and
 * {@link io.github.ple4j.datavec.records.RowSplit} (a seeded split of row positions). All stream: nothing loads a
 * whole file.
 */
package io.github.ple4j.datavec.records;
