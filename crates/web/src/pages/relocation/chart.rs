//! The wall's daily curve drawn on the server as SVG: no chart library, no script, the
//! same picture on the office screen, in a browser and on paper. Only numbers and dates
//! go into the markup, so it needs no escaping.

use domain::relocation::Milestone;
use std::fmt::Write as _;
use store::relocation::wall::CurveDay;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 40.0;

/// Line colours per milestone, in the order of [`Milestone::ALL`]; the wall's legend uses
/// the same ones.
pub const COLOURS: [&str; 4] = ["#d32f2f", "#1565c0", "#2e7d32", "#8d6e00"];

/// The cumulative curve of each milestone against the number of households.
pub fn curve_svg(curve: &[CurveDay], total: u32) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"每日累计进度曲线\" class=\"curve\">"
    );
    if curve.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"20\">暂无进度数据</text></svg>",
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        return svg;
    }
    let top = f64::from(total.max(1));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let steps = (curve.len().max(2) - 1) as f64;
    let x = |i: usize| LEFT + plot_w * i as f64 / steps;
    let y = |v: u32| TOP + plot_h * (1.0 - f64::from(v) / top);

    for q in 0..=4u32 {
        let v = (u64::from(total) * u64::from(q) / 4) as u32;
        let yy = y(v);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#c9d1d9\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"14\" fill=\"currentColor\">{v}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            yy + 5.0
        );
    }
    let ticks = 6.min(curve.len());
    for t in 0..ticks {
        let i = if ticks == 1 {
            0
        } else {
            t * (curve.len() - 1) / (ticks - 1)
        };
        // The end labels are anchored inwards so they are not cut off at the edges.
        let anchor = match t {
            0 => "start",
            _ if t + 1 == ticks => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"14\" fill=\"currentColor\">{}</text>",
            x(i),
            HEIGHT - 12.0,
            curve[i].date.format("%m-%d")
        );
    }
    for (m, milestone) in Milestone::ALL.into_iter().enumerate() {
        let points: Vec<String> = curve
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(d.cumulative[m])))
            .collect();
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"3\" points=\"{}\"/>",
            COLOURS[m],
            points.join(" ")
        );
        let lx = LEFT + 8.0 + 110.0 * m as f64;
        let _ = write!(
            svg,
            "<rect x=\"{lx:.1}\" y=\"8\" width=\"18\" height=\"6\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"16\" font-size=\"15\" fill=\"currentColor\">{}</text>",
            COLOURS[m],
            lx + 24.0,
            milestone.label()
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn draws_one_line_per_milestone_and_scales_to_the_total() {
        let d = |day| NaiveDate::from_ymd_opt(2019, 6, day).unwrap_or_default();
        let curve = vec![
            CurveDay {
                date: d(1),
                cumulative: [1, 0, 0, 0],
            },
            CurveDay {
                date: d(2),
                cumulative: [4, 2, 0, 0],
            },
        ];
        let svg = curve_svg(&curve, 4);
        assert_eq!(svg.matches("<polyline").count(), 4);
        assert!(svg.contains("06-01") && svg.contains("06-02"));
        // The signed line reaches the top of the plot on day 2.
        assert!(svg.contains(&format!("{:.1},{:.1}", WIDTH - RIGHT, TOP)));
        assert!(curve_svg(&[], 0).contains("暂无进度数据"));
    }
}
