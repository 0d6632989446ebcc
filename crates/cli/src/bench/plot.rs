//! A small hand-written SVG line chart of latency against offered load: a
//! few dozen lines of text, so no plotting dependency.

use super::command::LoadPoint;
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

/// Name, colour and value of one line.
type Series = (&'static str, &'static str, Box<dyn Fn(&LoadPoint) -> f64>);

/// Open-loop points only: p50/p99/p999 of Gongzhi and the baseline's p99,
/// log-scaled latency axis.
pub fn latency_svg(points: &[LoadPoint], subtitle: &str) -> String {
    let open: Vec<(f64, &LoadPoint)> = points
        .iter()
        .filter_map(|p| p.offered.map(|r| (f64::from(r), p)))
        .collect();
    let series: [Series; 4] = [
        (
            "gongzhi p50",
            "#1f77b4",
            Box::new(|p| p.gongzhi.percentile_ms(50.0)),
        ),
        (
            "gongzhi p99",
            "#d62728",
            Box::new(|p| p.gongzhi.percentile_ms(99.0)),
        ),
        (
            "gongzhi p999",
            "#9467bd",
            Box::new(|p| p.gongzhi.percentile_ms(99.9)),
        ),
        (
            "baseline p99",
            "#2ca02c",
            Box::new(|p| p.baseline.percentile_ms(99.0)),
        ),
    ];
    let max_x = open.iter().map(|(x, _)| *x).fold(1.0, f64::max);
    let values = open
        .iter()
        .flat_map(|(_, p)| series.iter().map(move |(_, _, f)| f(p)));
    let (min_ms, max_ms) = values.fold((f64::MAX, 0.0f64), |(lo, hi), v| {
        (lo.min(v.max(0.01)), hi.max(v))
    });
    let lo = 10f64.powf(min_ms.min(1.0).log10().floor());
    let hi = 10f64.powf(max_ms.max(10.0).log10().ceil());
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| LEFT + v / max_x * plot_w;
    let y = |ms: f64| {
        TOP + plot_h - (ms.max(lo).log10() - lo.log10()) / (hi.log10() - lo.log10()) * plot_h
    };

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="18" font-size="14">Command to read model: latency against offered load</text>"#
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="33" fill="#555">{subtitle}</text>"##
    );
    let mut decade = lo;
    while decade <= hi * 1.0001 {
        let yy = y(decade);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{decade} ms</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            yy + 4.0
        );
        decade *= 10.0;
    }
    for (rate, _) in &open {
        let xx = x(*rate);
        let _ = writeln!(
            svg,
            r##"<line x1="{xx:.1}" y1="{TOP}" x2="{xx:.1}" y2="{:.1}" stroke="#eee"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle">{rate}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 16.0
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/><text x="{:.1}" y="{:.1}" text-anchor="middle">offered load, commands/s (open loop)</text>"##,
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0
    );
    for (index, (name, colour, value)) in series.iter().enumerate() {
        let path: Vec<String> = open
            .iter()
            .map(|(rate, p)| format!("{:.1},{:.1}", x(*rate), y(value(p))))
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            path.join(" ")
        );
        for point in &path {
            let (px, py) = point.split_once(',').unwrap_or(("0", "0"));
            let _ = writeln!(
                svg,
                r#"<circle cx="{px}" cy="{py}" r="3" fill="{colour}"/>"#
            );
        }
        let ly = TOP + 10.0 + index as f64 * 18.0;
        let lx = LEFT + plot_w + 12.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx}" y1="{ly}" x2="{:.1}" y2="{ly}" stroke="{colour}" stroke-width="2"/><text x="{:.1}" y="{:.1}">{name}</text>"#,
            lx + 20.0,
            lx + 26.0,
            ly + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}
