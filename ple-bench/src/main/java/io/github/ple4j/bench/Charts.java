package io.github.ple4j.bench;

import io.github.ple4j.model.eval.ExpertBars;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the report charts with XChart and writes them as PNG. Only drawing lives here: the data come prepared
 * ({@link Point}, {@link Line}, {@link ExpertBars}), so a census or any other report can reuse the same charts.
 *
 * <ul>
 *   <li>{@link #seesaw}: task-1 metric against task-2 metric, one labelled point per model (paper Fig. 1);</li>
 *   <li>{@link #lines}: e.g. multi-task gain against task correlation, one line per model (paper Fig. 7);</li>
 *   <li>{@link #expertUtilisation}: mean gate weight per expert with standard-deviation error bars, one bar
 *       per gate, for one level (paper Fig. 8).</li>
 * </ul>
 * Charts are drawn off-screen; callers on a machine without a display should run with
 * {@code -Djava.awt.headless=true} (the command line sets it).
 */
public final class Charts {
    /** Default width of one chart in pixels. */
    public static final int WIDTH = 800;
    /** Default height of one chart in pixels. */
    public static final int HEIGHT = 600;

    /**
     * A labelled point.
     *
     * @param label shown next to the point and in the legend
     * @param x     x value
     * @param y     y value
     */
    public record Point(String label, double x, double y) {
    }

    /**
     * A named line through points, in x order as given.
     *
     * @param name legend name
     * @param x    x values
     * @param y    y values, as many as x
     */
    public record Line(String name, double[] x, double[] y) {
        public Line {
            if (x.length != y.length) {
                throw new IllegalArgumentException("line '" + name + "' has " + x.length + " x values but " + y.length + " y values");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    private Charts() {
    }

    /** A scatter chart with one series (and one text label) per point. */
    public static XYChart seesaw(String title, String xTitle, String yTitle, List<Point> points) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(12);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        if (points.isEmpty()) {
            return chart;
        }
        double[] xr = padded(points.stream().mapToDouble(Point::x).toArray());
        double[] yr = padded(points.stream().mapToDouble(Point::y).toArray());
        chart.getStyler().setXAxisMin(xr[0]).setXAxisMax(xr[1]).setYAxisMin(yr[0]).setYAxisMax(yr[1]);
        double dy = (yr[1] - yr[0]) * 0.04;
        for (Point p : points) {
            chart.addSeries(p.label(), new double[]{p.x()}, new double[]{p.y()}).setMarker(SeriesMarkers.CIRCLE);
            AnnotationText label = new AnnotationText(p.label(), p.x(), p.y() + dy, false);
            chart.addAnnotation(label);
        }
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return chart;
    }

    /** A line chart with markers, one series per line. */
    public static XYChart lines(String title, String xTitle, String yTitle, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Line l : lines) {
            chart.addSeries(l.name(), l.x(), l.y());
        }
        return chart;
    }

    /** A bar chart of one level's gate weights with standard-deviation error bars. */
    public static CategoryChart expertUtilisation(String title, ExpertBars bars) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("expert").yAxisTitle("gate weight (mean ± std)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setAvailableSpaceFill(0.85);
        chart.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        chart.getStyler().setXAxisLabelRotation(bars.experts().size() > 6 ? 45 : 0);
        for (ExpertBars.Series s : bars.series()) {
            chart.addSeries(s.name(), bars.experts(), s.mean(), s.std());
        }
        return chart;
    }

    /** Writes one chart as a PNG file of the chart's size, creating parent directories. */
    public static Path writePng(Chart<?, ?> chart, Path file) throws IOException {
        return writePng(List.of(chart), 1, file);
    }

    /**
     * Writes charts stacked in a grid of {@code columns} columns (rows as needed) as one PNG; every cell has the
     * size of the first chart.
     */
    public static Path writePng(List<? extends Chart<?, ?>> charts, int columns, Path file) throws IOException {
        if (charts.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("need at least one chart and one column");
        }
        int w = charts.get(0).getWidth();
        int h = charts.get(0).getHeight();
        int cols = Math.min(columns, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BufferedImage image = new BufferedImage(w * cols, h * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (int i = 0; i < charts.size(); i++) {
                Graphics2D cell = (Graphics2D) g.create((i % cols) * w, (i / cols) * h, w, h);
                try {
                    charts.get(i).paint(cell, w, h);
                } finally {
                    cell.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            if (!ImageIO.write(image, "png", os)) {
                throw new IOException("no PNG writer available");
            }
        }
        return file;
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
    }

    /** The range of the values with 10% padding on each side (a unit range around a single value). */
    private static double[] padded(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            if (Double.isFinite(d)) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        if (lo > hi) {
            return new double[]{0, 1};
        }
        double pad = hi > lo ? (hi - lo) * 0.1 : Math.max(Math.abs(lo) * 0.1, 0.5);
        return new double[]{lo - pad, hi + pad};
    }
}
