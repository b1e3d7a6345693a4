package io.github.ple4j.bench;

import io.github.ple4j.model.eval.ExpertBars;
import io.github.ple4j.model.eval.GateUsage;
import io.github.ple4j.model.config.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {
    @TempDir
    Path dir;

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " does not decode as an image");
        return img;
    }

    @Test
    void seesawPng() throws IOException {
        Path png = Charts.writePng(Charts.seesaw("seesaw", "task 1 MSE", "task 2 MSE", List.of(
                new Charts.Point("single-task", 0.9, 0.7), new Charts.Point("PLE", 0.8, 0.6))), dir.resolve("a/seesaw.png"));
        BufferedImage img = read(png);
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT, img.getHeight());
        assertTrue(distinctColours(img) > 10, "the chart has content");
    }

    @Test
    void expertUtilisationStackedAndLinePanels() throws IOException {
        GateUsage t1 = new GateUsage("g/0/t1", 0, "t1", List.of("t1/0", "shared/0"), new double[]{0.7, 0.3}, new double[]{0.1, 0.1}, 5);
        GateUsage t2 = new GateUsage("g/0/t2", 0, "t2", List.of("t2/0", "shared/0"), new double[]{0.4, 0.6}, new double[]{0.2, 0.2}, 5);
        GateUsage l1 = new GateUsage("g/1/t1", 1, "t1", List.of("t1/0", "shared/0"), new double[]{0.5, 0.5}, new double[]{0, 0}, 5);
        List<ExpertBars> bars = ExpertBars.byLevel(List.of(t1, t2, l1));
        Path png = Charts.writePng(bars.stream().map(b -> Charts.expertUtilisation("level " + b.level(), b)).toList(), 1,
                dir.resolve("experts.png"));
        BufferedImage img = read(png);
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(2 * Charts.HEIGHT, img.getHeight());

        List<Charts.Line> lines = List.of(new Charts.Line("PLE", new double[]{0, 0.5, 1}, new double[]{0.1, 0.2, 0.3}));
        Path two = Charts.writePng(List.of(Charts.lines("a", "p", "gain", lines), Charts.lines("b", "p", "gain", lines)), 2,
                dir.resolve("lines.png"));
        BufferedImage both = read(two);
        assertEquals(2 * Charts.WIDTH, both.getWidth());
        assertEquals(Charts.HEIGHT, both.getHeight());
    }

    @Test
    void syntheticChartsFromResults() throws IOException {
        GateUsage g = new GateUsage("g/0/task1", 0, "task1", List.of("shared/0", "shared/1"), new double[]{0.5, 0.5},
                new double[]{0.1, 0.1}, 10);
        List<SyntheticCharts.ModelResult> results = new ArrayList<>();
        for (double p : new double[]{0.9, 0.1}) {
            results.add(new SyntheticCharts.ModelResult(p, "single-task", Architecture.SINGLE_TASK,
                    new double[]{1.0, 1.2}, new double[]{0, 0}, List.of()));
            results.add(new SyntheticCharts.ModelResult(p, "MMoE", Architecture.MMOE,
                    new double[]{0.9 + p, 1.0}, new double[]{0.1 - p, 0.2}, List.of(g)));
        }
        assertEquals(List.of(0.1, 0.9), SyntheticCharts.correlations(results));
        List<Charts.Point> seesaw = SyntheticCharts.seesawPoints(results, 0.1);
        assertEquals(List.of(new Charts.Point("single-task", 1.0, 1.2), new Charts.Point("MMoE", 1.0, 1.0)), seesaw);
        List<Charts.Line> gain = SyntheticCharts.gainLines(results, 0);
        assertEquals(List.of("single-task", "MMoE"), gain.stream().map(Charts.Line::name).toList());
        assertArrayEquals(new double[]{0.1, 0.9}, gain.get(1).x());
        assertArrayEquals(new double[]{0.0, -0.8}, gain.get(1).y(), 1e-12);

        List<Path> files = SyntheticCharts.write(results, dir);
        assertEquals(List.of("seesaw-p0.10.png", "experts-mmoe-p0.10.png", "seesaw-p0.90.png", "experts-mmoe-p0.90.png",
                "gain-vs-correlation.png"), files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            read(f);
        }
        assertEquals(1, SyntheticCharts.write(results.subList(0, 1), dir.resolve("one")).size(),
                "one correlation and no gates: only the seesaw chart");
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
