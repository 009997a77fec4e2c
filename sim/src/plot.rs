//! Plots, PNG and SVG, drawn with plotters. The font is embedded (DejaVu Sans, under
//! `sim/assets/`), so plots render on a bare machine with no system font libraries.

use std::path::Path;
use std::sync::Once;

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::cost::SweepCell;
use crate::pricing::{Bill, usd};

/// DejaVu Sans (Bitstream Vera licence, `sim/assets/DejaVuSans-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();
const FAMILY: &str = "sans-serif";

/// A plot that could not be drawn or written.
#[derive(Debug)]
pub struct PlotError(pub String);

impl std::fmt::Display for PlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlotError {}

fn plot_error(e: impl std::fmt::Display) -> PlotError {
    PlotError(e.to_string())
}

fn register_font() {
    REGISTER.call_once(|| {
        // The embedded font is valid; were it not, text would be missing, not the plot.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// Draws `$draw(area)` into `<stem>.svg` and `<stem>.png` of `$size` pixels: once per
/// backend, because a plotters drawing function is generic over its backend.
macro_rules! render {
    ($stem:expr, $size:expr, $draw:ident($($arg:expr),*)) => {{
        register_font();
        let stem: &Path = $stem;
        let svg = stem.with_extension("svg");
        {
            let area = SVGBackend::new(&svg, $size).into_drawing_area();
            $draw(&area, $($arg),*)?;
            area.present().map_err(plot_error)?;
        }
        let png = stem.with_extension("png");
        let area = BitMapBackend::new(&png, $size).into_drawing_area();
        $draw(&area, $($arg),*)?;
        area.present().map_err(plot_error)
    }};
}

/// A bar chart of a bill: key storage, rotations, requests (after the free tier) and
/// CloudHSM, in dollars a month, written as `<stem>.svg` and `<stem>.png`.
///
/// # Errors
/// [`PlotError`] if the files cannot be written.
pub fn cost_breakdown(bill: &Bill, title: &str, stem: &Path) -> Result<(), PlotError> {
    let bars = [
        ("key storage", bill.keys_micro_usd),
        ("rotations", bill.rotations_micro_usd),
        ("requests", bill.requests_micro_usd),
        ("CloudHSM", bill.cloudhsm_micro_usd),
    ];
    #[expect(clippy::cast_precision_loss, reason = "dollars on a chart")]
    let dollars = |micro: i64| micro as f64 / 1e6;
    let top = bars.iter().map(|&(_, m)| dollars(m)).fold(1e-6, f64::max) * 1.2;
    let caption = format!("{title}: {} a month ({})", usd(bill.total_micro_usd), bill.catalog);
    render!(stem, (900, 560), draw_breakdown(&bars, top, &caption))
}

type Bars<'a> = [(&'a str, i64)];

fn draw_breakdown<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &Bars<'_>,
    top: f64,
    caption: &str,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    #[expect(clippy::cast_precision_loss, reason = "dollars on a chart")]
    let dollars = |micro: i64| micro as f64 / 1e6;
    {
        area.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FAMILY, 22))
            .margin(20)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d((0..bars.len() - 1).into_segmented(), 0.0..top)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("USD per month")
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => bars.get(*i).map_or(String::new(), |b| b.0.to_owned()),
                _ => String::new(),
            })
            .label_style((FAMILY, 15))
            .draw()
            .map_err(plot_error)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, &(_, micro))| {
                let mut bar = Rectangle::new(
                    [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), dollars(micro))],
                    BLUE.mix(0.6).filled(),
                );
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(plot_error)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, &(_, micro))| {
                Text::new(
                    usd(micro),
                    (SegmentValue::CenterOf(i), dollars(micro) + top * 0.03),
                    (FAMILY, 15),
                )
            }))
            .map_err(plot_error)?;
        Ok(())
    }
}

/// A heatmap of monthly totals by key count (rows) and monthly requests (columns), each
/// cell labelled with its dollars and shaded by the logarithm of its total; written as
/// `<stem>.svg` and `<stem>.png`.
///
/// # Errors
/// [`PlotError`] if the files cannot be written or `cells` is not a full grid.
pub fn sweep_heatmap(cells: &[SweepCell], title: &str, stem: &Path) -> Result<(), PlotError> {
    let mut keys: Vec<u64> = cells.iter().map(|c| c.keys).collect();
    keys.dedup();
    let mut requests: Vec<u64> = cells.iter().map(|c| c.requests_per_month).collect();
    requests.sort_unstable();
    requests.dedup();
    if keys.len() * requests.len() != cells.len() {
        return Err(PlotError("the sweep is not a full grid of keys × requests".to_owned()));
    }
    #[expect(clippy::cast_precision_loss, reason = "colours on a chart")]
    let log = |micro: i64| ((micro.max(1)) as f64).log10();
    let (low, high) = cells.iter().fold((f64::MAX, f64::MIN), |(lo, hi), c| {
        (lo.min(log(c.total_micro_usd)), hi.max(log(c.total_micro_usd)))
    });
    render!(stem, (1000, 620), draw_heatmap(cells, &keys, &requests, (low, high), title))
}

fn draw_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cells: &[SweepCell],
    keys: &[u64],
    requests: &[u64],
    (low, high): (f64, f64),
    title: &str,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    #[expect(clippy::cast_precision_loss, reason = "colours on a chart")]
    let log = |micro: i64| ((micro.max(1)) as f64).log10();
    {
        area.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(area)
            .caption(title, (FAMILY, 22))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(0..requests.len(), 0..keys.len())
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("requests per month")
            .y_desc("KMS keys")
            .x_labels(requests.len())
            .y_labels(keys.len())
            .x_label_offset(40)
            .y_label_offset(-20)
            .x_label_formatter(&|i| requests.get(*i).map_or(String::new(), |&r| compact(r)))
            .y_label_formatter(&|i| keys.get(*i).map_or(String::new(), |&k| compact(k)))
            .label_style((FAMILY, 14))
            .draw()
            .map_err(plot_error)?;
        let (width, height) = chart.plotting_area().dim_in_pixel();
        let half_cell = (
            i32::try_from(width as usize / requests.len().max(1) / 2).unwrap_or(0),
            i32::try_from(height as usize / keys.len().max(1) / 2).unwrap_or(0),
        );
        let centred =
            (FAMILY, 14).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center));
        for (row, &k) in keys.iter().enumerate() {
            for (column, &r) in requests.iter().enumerate() {
                let Some(cell) = cells.iter().find(|c| c.keys == k && c.requests_per_month == r)
                else {
                    continue;
                };
                let shade =
                    if high > low { (log(cell.total_micro_usd) - low) / (high - low) } else { 0.5 };
                let colour = HSLColor(0.6 - 0.6 * shade, 0.7, 0.75 - 0.25 * shade);
                let square =
                    Rectangle::new([(column, row), (column + 1, row + 1)], colour.filled());
                chart.draw_series(std::iter::once(square)).map_err(plot_error)?;
                // Anchored at the cell's top-left corner, moved half a cell in pixels.
                let label = EmptyElement::at((column, row + 1))
                    + Text::new(usd(cell.total_micro_usd), half_cell, centred.clone());
                chart.draw_series(std::iter::once(label)).map_err(plot_error)?;
            }
        }
        Ok(())
    }
}

/// The legend box, the same on every chart.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font((FAMILY, 14))
        .draw()
        .map_err(plot_error)
}

/// 1,000 → `1k`, 2,000,000,000 → `2G`.
fn compact(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 && n % 1_000_000_000 == 0 => format!("{}G", n / 1_000_000_000),
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// One latency curve: a name and (latency [ms], quantile) points.
pub type Curve = (String, Vec<(f64, f64)>);

/// Latency CDFs (log-scale latency), one curve per operation, written as `<stem>.svg` and
/// `<stem>.png`.
///
/// # Errors
/// [`PlotError`] if the files cannot be written.
pub fn latency_cdf(curves: &[Curve], title: &str, stem: &Path) -> Result<(), PlotError> {
    let max_ms =
        curves.iter().flat_map(|(_, points)| points.iter().map(|p| p.0)).fold(1.0, f64::max) * 1.5;
    let min_ms = curves
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p.0))
        .filter(|&ms| ms > 0.0)
        .fold(max_ms, f64::min)
        .max(1e-3)
        / 1.5;
    render!(stem, (900, 560), draw_cdf(curves, (min_ms, max_ms), title))
}

fn draw_cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curves: &[Curve],
    (min_ms, max_ms): (f64, f64),
    title: &str,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(plot_error)?;
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 22))
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d((min_ms..max_ms).log_scale(), 0.0..1.0)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("latency [ms], from the intended send time")
        .y_desc("fraction of requests")
        .label_style((FAMILY, 14))
        .draw()
        .map_err(plot_error)?;
    for (index, (name, points)) in curves.iter().enumerate() {
        let colour = Palette99::pick(index).to_rgba();
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|&(ms, q)| (ms.max(min_ms), q)),
                colour.stroke_width(2),
            ))
            .map_err(plot_error)?
            .label(name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// A time series: a name and (time [s], value) points.
pub type Series = (String, Vec<(f64, f64)>);

/// Throughput, errors and throttles over time [per second], with the fault windows
/// (start, end [s], label) shaded; written as `<stem>.svg` and `<stem>.png`.
///
/// # Errors
/// [`PlotError`] if the files cannot be written.
pub fn time_series(
    series: &[Series],
    faults: &[(f64, f64, String)],
    title: &str,
    stem: &Path,
) -> Result<(), PlotError> {
    let end = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)).fold(1.0, f64::max);
    let top = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).fold(1.0, f64::max) * 1.15;
    render!(stem, (1000, 560), draw_time_series(series, faults, (end, top), title))
}

fn draw_time_series<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    faults: &[(f64, f64, String)],
    (end, top): (f64, f64),
    title: &str,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(plot_error)?;
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 22))
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..end, 0.0..top)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("time [s]")
        .y_desc("per second")
        .label_style((FAMILY, 14))
        .draw()
        .map_err(plot_error)?;
    for (start, stop, label) in faults {
        let shade = Rectangle::new([(*start, 0.0), (stop.min(end), top)], RED.mix(0.12).filled());
        chart.draw_series(std::iter::once(shade)).map_err(plot_error)?;
        let text =
            Text::new(label.clone(), (*start, top * 0.97), (FAMILY, 13).into_font().color(&RED));
        chart.draw_series(std::iter::once(text)).map_err(plot_error)?;
    }
    for (index, (name, points)) in series.iter().enumerate() {
        let colour = Palette99::pick(index).to_rgba();
        chart
            .draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))
            .map_err(plot_error)?
            .label(name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}

/// An SLO metric against capacity: the probed (capacity, p99 [ms]) points and the SLO line;
/// written as `<stem>.svg` and `<stem>.png`.
///
/// # Errors
/// [`PlotError`] if the files cannot be written.
pub fn slo_curve(
    points: &[(f64, f64)],
    slo: f64,
    title: &str,
    capacity: &str,
    stem: &Path,
) -> Result<(), PlotError> {
    let (low, high) =
        points.iter().fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p.0), h.max(p.0)));
    let (low, high) = if low <= high { (low - 0.5, high + 0.5) } else { (0.0, 1.0) };
    let top = points.iter().map(|p| p.1).fold(slo, f64::max) * 1.2;
    render!(stem, (900, 560), draw_slo(points, slo, (low, high, top), title, capacity))
}

fn draw_slo<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(f64, f64)],
    slo: f64,
    (low, high, top): (f64, f64, f64),
    title: &str,
    capacity: &str,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(plot_error)?;
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 20))
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(low..high, (0.1..top.max(1.0)).log_scale())
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc(capacity)
        .y_desc("p99 latency [ms]")
        .label_style((FAMILY, 14))
        .draw()
        .map_err(plot_error)?;
    let slo_line = LineSeries::new([(low, slo), (high, slo)], RED.stroke_width(2));
    chart
        .draw_series(slo_line)
        .map_err(plot_error)?
        .label("SLO")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    chart
        .draw_series(
            points.iter().map(|&(c, p99)| Circle::new((c, p99.max(0.1)), 5, BLUE.filled())),
        )
        .map_err(plot_error)?
        .label("probed p99")
        .legend(|(x, y)| Circle::new((x + 10, y), 5, BLUE.filled()));
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
