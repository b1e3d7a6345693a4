package io.github.ple4j.cli;

import io.github.ple4j.cli.job.JobJson;
import io.github.ple4j.model.PleModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The checkpoint directory of a training run: {@code step-NNNNNNNNNNNN.ple} bundles saved with optimiser state and
 * the {@link TrainingState} attachment, the last {@code keep} of them kept, plus {@code best-epoch-NNNN.ple} when
 * early stopping restores the best epoch. Every file is written by ple-model's {@code ModelBundle}: to a temporary
 * file that is renamed into place, with a CRC-32 per zip entry checked on reading; so a checkpoint is either
 * complete or absent, and a corrupted one is detected (and skipped, falling back to the previous one).
 *
 * <p>A lock file ({@code .lock}, an OS file lock released when the process dies, even by SIGKILL) keeps two runs
 * from using the same directory at once.
 */
final class Checkpoints implements AutoCloseable {
    static final String STATE = "training-state";
    private static final Pattern STEP = Pattern.compile("step-(\\d{12})\\.ple");
    private static final Pattern BEST = Pattern.compile("best-epoch-(\\d{4,})\\.ple");

    private final Path dir;
    private final int keep;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean created;

    /** A checkpoint that loaded: the model with optimiser state and counters, and the run's state. */
    record Loaded(Path file, PleModel model, TrainingState state) {
    }

    Checkpoints(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
        this.created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw CliException.io("cannot use the checkpoint directory " + dir + ": " + e, e);
        }
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            closeQuietly();
            throw CliException.io("cannot lock the checkpoint directory " + dir + ": " + e, e);
        }
        if (l == null) {
            closeQuietly();
            throw CliException.io("another training run is using the checkpoint directory " + dir
                    + " (it holds " + dir.resolve(".lock") + ")", null);
        }
        lock = l;
    }

    private void closeQuietly() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    Path dir() {
        return dir;
    }

    /** Step checkpoints, oldest first. */
    List<Path> list() {
        List<Path> files = new ArrayList<>();
        for (Path p : entries()) {
            if (STEP.matcher(p.getFileName().toString()).matches()) {
                files.add(p);
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    private List<Path> entries() {
        List<Path> all = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(all::add);
        } catch (IOException e) {
            throw CliException.io("cannot list the checkpoint directory " + dir + ": " + e, e);
        }
        return all;
    }

    /** Whether the directory holds checkpoints of an earlier run. */
    boolean hasCheckpoints() {
        return entries().stream().anyMatch(p -> STEP.matcher(p.getFileName().toString()).matches()
                || BEST.matcher(p.getFileName().toString()).matches());
    }

    /** Deletes every checkpoint (for starting over). */
    void clear() {
        for (Path p : entries()) {
            String n = p.getFileName().toString();
            if (STEP.matcher(n).matches() || BEST.matcher(n).matches() || isTemp(n)) {
                delete(p);
            }
        }
    }

    /** Deletes temporary files left by a run that was killed while writing a checkpoint. */
    int removeTemporaryFiles() {
        int n = 0;
        for (Path p : entries()) {
            if (isTemp(p.getFileName().toString())) {
                delete(p);
                n++;
            }
        }
        return n;
    }

    private static boolean isTemp(String name) {
        return name.endsWith(".tmp") && (name.startsWith("step-") || name.startsWith("best-epoch-"));
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw CliException.io("cannot delete " + p + ": " + e, e);
        }
    }

    static String stepFileName(long step) {
        return String.format(java.util.Locale.ROOT, "step-%012d.ple", step);
    }

    /** @param epochs epochs completed (1-based number of the best epoch) */
    static String bestFileName(int epochs) {
        return String.format(java.util.Locale.ROOT, "best-epoch-%04d.ple", epochs);
    }

    /** Saves a checkpoint with optimiser state and the run state, then removes the oldest beyond {@code keep}. */
    Path save(PleModel model, TrainingState state) {
        Path file = dir.resolve(stepFileName(state.step()));
        model.attach(STATE, toJson(state));
        try {
            model.save(file, true);
        } catch (IOException e) {
            throw CliException.io("cannot write checkpoint " + file + ": " + e, e);
        }
        prune();
        return file;
    }

    /** Saves the parameters of the best epoch so far (no optimiser state), named by the epochs completed. */
    String saveBest(PleModel model) {
        String name = bestFileName(model.epochsTrained());
        try {
            model.save(dir.resolve(name), false);
        } catch (IOException e) {
            throw CliException.io("cannot write " + dir.resolve(name) + ": " + e, e);
        }
        return name;
    }

    /** Keeps the newest {@code keep} step checkpoints and the best-epoch files they refer to. */
    private void prune() {
        List<Path> steps = list();
        for (int i = 0; i < steps.size() - keep; i++) {
            delete(steps.get(i));
        }
        List<Path> kept = list();
        List<String> referenced = new ArrayList<>();
        for (Path p : kept) {
            TrainingState s = peekState(p);
            if (s == null) {
                return; // unreadable: keep every best file rather than guess
            }
            if (s.bestFile() != null) {
                referenced.add(s.bestFile());
            }
        }
        for (Path p : entries()) {
            String n = p.getFileName().toString();
            if (BEST.matcher(n).matches() && !referenced.contains(n)) {
                delete(p);
            }
        }
    }

    /** The run state of a checkpoint, read from its attachment only (null when unreadable). */
    static TrainingState peekState(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("attachments/" + STATE + ".json");
            if (e == null || e.getSize() > 1 << 20) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return fromJson(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Loads the newest checkpoint that is intact, warning about (and skipping) newer ones that are not.
     *
     * @return the checkpoint, or null when there is none
     */
    Loaded loadLatest(PrintWriter warnings) {
        List<Path> steps = list();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path p = steps.get(i);
            PleModel model = null;
            try {
                model = LoadedModel.loadModel(p);
                String json = model.attachment(STATE).orElseThrow(() -> CliException.badModel(p
                        + ": checkpoint has no '" + STATE + "' attachment", null));
                TrainingState s = fromJson(json);
                if (s.step() != model.stepsTrained() || s.epoch() != model.epochsTrained()) {
                    throw CliException.badModel(p + ": the run state (epoch " + s.epoch() + ", step " + s.step()
                            + ") does not match the model's counters (epoch " + model.epochsTrained() + ", step "
                            + model.stepsTrained() + ")", null);
                }
                return new Loaded(p, model, s);
            } catch (CliException e) {
                if (model != null) {
                    model.close();
                }
                warnings.println("warning: skipping checkpoint " + p.getFileName() + ": " + e.getMessage());
                warnings.flush();
            }
        }
        return null;
    }

    static String toJson(TrainingState s) {
        try {
            return JobJson.mapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TrainingState fromJson(String json) {
        try {
            TrainingState s = JobJson.mapper().readValue(json, TrainingState.class);
            if (s == null || s.version() != TrainingState.VERSION) {
                throw CliException.badModel("unsupported training-state version "
                        + (s == null ? "null" : String.valueOf(s.version())), null);
            }
            return s;
        } catch (IOException e) {
            throw CliException.badModel("unreadable training state: " + LoadedModel.oneLine(e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        if (created) {
            // A run that failed before writing anything leaves no empty checkpoint directory behind (deleted while
            // the lock is still held, so no other run can be using it).
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                boolean onlyLock = true;
                for (Path p : ds) {
                    onlyLock &= p.getFileName().toString().equals(".lock");
                }
                if (onlyLock) {
                    Files.deleteIfExists(dir.resolve(".lock"));
                    Files.deleteIfExists(dir);
                }
            } catch (IOException e) {
                // leave it
            }
        }
        try {
            lock.release();
        } catch (IOException e) {
            // released when the channel closes anyway
        }
        closeQuietly();
    }
}
