package io.github.ple4j.model.train;

import io.github.ple4j.model.PleModel;
import io.github.ple4j.model.SaveOptions;
import io.github.ple4j.model.io.ModelBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The checkpoint directory of a training run: {@code step-NNNNNNNNNNNN.ple} bundles saved with optimiser state
 * and the {@link FitState} attachment, the newest {@code keep} of them kept, plus {@code best-epoch-NNNN.ple}
 * when early stopping restores the best epoch. Every file is written by {@link ModelBundle}: to a temporary file
 * that is renamed into place, with a CRC-32 per zip entry checked on reading; so a checkpoint is either complete
 * or absent, and a corrupted one is detected and skipped ({@link #latest}), falling back to the previous one.
 *
 * <p>A lock file ({@code .lock}, an OS file lock released when the process dies, even by SIGKILL) keeps two runs
 * from using the same directory at once. I/O failures are thrown as {@link UncheckedIOException} naming the file.
 */
public final class CheckpointDirectory implements AutoCloseable {
    private static final Pattern STEP = Pattern.compile("step-(\\d{12})\\.ple");
    private static final Pattern BEST = Pattern.compile("best-epoch-(\\d{4,})\\.ple");

    private final Path dir;
    private final int keep;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean created;

    /** A checkpoint that loaded: the model (with optimiser state, counters and fit state) and its file. */
    public record Checkpoint(Path file, PleModel model, FitState state) {
    }

    private CheckpointDirectory(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1 but was " + keep);
        }
        this.dir = dir;
        this.keep = keep;
        this.created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the checkpoint directory " + dir + ": " + e, e);
        }
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            closeChannel();
            throw new UncheckedIOException("cannot lock the checkpoint directory " + dir + ": " + e, e);
        }
        if (l == null) {
            closeChannel();
            throw new IllegalStateException("another training run is using the checkpoint directory " + dir
                    + " (it holds " + dir.resolve(".lock") + ")");
        }
        lock = l;
    }

    /**
     * Opens (creating it if needed) and locks a checkpoint directory.
     *
     * @param keep how many step checkpoints to keep (the newest)
     * @throws IllegalStateException when another run holds the directory's lock
     */
    public static CheckpointDirectory open(Path dir, int keep) {
        return new CheckpointDirectory(dir, keep);
    }

    private void closeChannel() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** Step checkpoints, oldest first. */
    public List<Path> list() {
        List<Path> files = new ArrayList<>();
        for (Path p : entries()) {
            if (STEP.matcher(p.getFileName().toString()).matches()) {
                files.add(p);
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    /** The newest step checkpoint file, if any (not checked for integrity). */
    public Optional<Path> newest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private List<Path> entries() {
        List<Path> all = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(all::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoint directory " + dir + ": " + e, e);
        }
        return all;
    }

    /** Whether the directory holds checkpoints of an earlier run. */
    public boolean hasCheckpoints() {
        return entries().stream().anyMatch(p -> STEP.matcher(p.getFileName().toString()).matches()
                || BEST.matcher(p.getFileName().toString()).matches());
    }

    /** Deletes every checkpoint (for starting over). */
    public void clear() {
        for (Path p : entries()) {
            String n = p.getFileName().toString();
            if (STEP.matcher(n).matches() || BEST.matcher(n).matches() || isTemp(n)) {
                delete(p);
            }
        }
    }

    /**
     * Deletes temporary files left by a run that was killed while writing a checkpoint.
     *
     * @return how many were deleted
     */
    public int removeTemporaryFiles() {
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
            throw new UncheckedIOException("cannot delete " + p + ": " + e, e);
        }
    }

    static String stepFileName(long step) {
        return String.format(Locale.ROOT, "step-%012d.ple", step);
    }

    static String bestFileName(int epochs) {
        return String.format(Locale.ROOT, "best-epoch-%04d.ple", epochs);
    }

    /**
     * Saves a checkpoint (model, optimiser state and {@code state} as its fit-state attachment), then removes the
     * oldest beyond {@code keep}.
     *
     * @return the checkpoint file
     */
    public Path save(PleModel model, FitState state) {
        Path file = dir.resolve(stepFileName(state.step()));
        model.attach(FitState.ATTACHMENT, state.toJson());
        try {
            model.save(file, SaveOptions.forResuming());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e, e);
        }
        prune();
        return file;
    }

    /**
     * Saves the parameters of the best epoch so far (no optimiser state), named by the epochs completed.
     *
     * @return the file name within the directory
     */
    String saveBest(PleModel model) {
        String name = bestFileName(model.epochsTrained());
        try {
            model.save(dir.resolve(name), SaveOptions.parametersOnly());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e, e);
        }
        return name;
    }

    /** Keeps the newest {@code keep} step checkpoints and the best-epoch files they refer to. */
    private void prune() {
        List<Path> steps = list();
        for (int i = 0; i < steps.size() - keep; i++) {
            delete(steps.get(i));
        }
        List<String> referenced = new ArrayList<>();
        for (Path p : list()) {
            FitState s = peekState(p);
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

    /** The fit state of a checkpoint, read from its attachment only (null when unreadable). */
    static FitState peekState(Path file) {
        try {
            return ModelBundle.peekAttachment(file, FitState.ATTACHMENT).map(FitState::fromJson).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Loads the newest checkpoint that is intact, reporting (and skipping) newer ones that are not.
     *
     * @param warnings receives one line per skipped checkpoint
     * @return the checkpoint, or empty when there is no intact one
     */
    public Optional<Checkpoint> latest(Consumer<String> warnings) {
        List<Path> steps = list();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path p = steps.get(i);
            PleModel model = null;
            try {
                model = PleModel.load(p);
                FitState s = model.fitState().orElseThrow(() -> new IllegalArgumentException(
                        "checkpoint has no '" + FitState.ATTACHMENT + "' attachment"));
                if (s.step() != model.stepsTrained() || s.epoch() != model.epochsTrained()) {
                    throw new IllegalArgumentException("the fit state (epoch " + s.epoch() + ", step " + s.step()
                            + ") does not match the model's counters (epoch " + model.epochsTrained() + ", step "
                            + model.stepsTrained() + ")");
                }
                return Optional.of(new Checkpoint(p, model, s));
            } catch (IOException | RuntimeException e) {
                if (model != null) {
                    model.close();
                }
                warnings.accept("skipping checkpoint " + p.getFileName() + ": " + oneLine(e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable" : s.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Releases the lock. A directory this object created and that holds nothing but the lock file (a run that
     * failed before writing anything) is removed.
     */
    @Override
    public void close() {
        if (created) {
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
                // leave the directory in place
            }
        }
        try {
            lock.release();
        } catch (IOException e) {
            // released when the channel closes anyway
        }
        closeChannel();
    }
}
