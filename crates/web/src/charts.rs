//! Bar charts drawn on the server as SVG, shared by every page that charts figures: no
//! script, no chart library, the same picture on screen and on paper (the ranking circular
//! and the yearbook are printed and circulated). Integer arithmetic only; labels are escaped.

use std::fmt::Write as _;

/// Escapes text for SVG/HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar: its label, its length (in units of `max`), and the text written beside it.
pub struct Bar {
    /// Label on the left (a township).
    pub label: String,
    /// Value, between 0 and the chart's maximum.
    pub value: u32,
    /// What is written at the end of the bar (`98.5%`).
    pub shown: String,
}

/// Horizontal bars, one per line, longest possible `max` (a rate's 10000 basis points).
pub fn horizontal(bars: &[Bar], max: u32, colour: &str, title: &str) -> String {
    const WIDTH: u32 = 760;
    const LABEL: u32 = 130;
    const ROW: u32 = 26;
    const TEXT: u32 = 96;
    let height = 30 + ROW * u32::try_from(bars.len()).unwrap_or(0) + 10;
    let plot = WIDTH - LABEL - TEXT;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{t}\" class=\"chart\">\
         <text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\" fill=\"currentColor\">{t}</text>",
        t = esc(title)
    );
    let max = u64::from(max.max(1));
    for (i, b) in bars.iter().enumerate() {
        let y = 30 + ROW * u32::try_from(i).unwrap_or(0);
        let len = u64::from(plot) * u64::from(b.value).min(max) / max;
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\" fill=\"currentColor\">{label}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{len}\" height=\"{h}\" fill=\"{colour}\"/>\
             <text x=\"{vx}\" y=\"{ty}\" font-size=\"13\" fill=\"currentColor\">{shown}</text>",
            lx = LABEL - 6,
            ty = y + 15,
            label = esc(&b.label),
            h = ROW - 8,
            vx = u64::from(LABEL) + len + 6,
            shown = esc(&b.shown),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Twelve columns, January to December, with the value above each.
pub fn monthly(values: &[u32; 12], colour: &str, title: &str) -> String {
    const WIDTH: u32 = 480;
    const HEIGHT: u32 = 220;
    const TOP: u32 = 40;
    const BOTTOM: u32 = 28;
    const LEFT: u32 = 10;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - 2 * LEFT) / 12;
    let max = u64::from(values.iter().copied().max().unwrap_or(0).max(1));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{t}\" class=\"chart\">\
         <text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\" fill=\"currentColor\">{t}</text>",
        t = esc(title)
    );
    for (m, v) in values.iter().enumerate() {
        let m = u32::try_from(m).unwrap_or(0);
        let h = u64::from(plot_h) * u64::from(*v) / max;
        let x = LEFT + slot * m + 4;
        let y = u64::from(TOP + plot_h) - h;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{colour}\"/>\
             <text x=\"{cx}\" y=\"{vy}\" text-anchor=\"middle\" font-size=\"11\" fill=\"currentColor\">{v}</text>\
             <text x=\"{cx}\" y=\"{my}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">{n}月</text>",
            w = slot - 8,
            cx = x + (slot - 8) / 2,
            vy = y.saturating_sub(4),
            my = HEIGHT - 8,
            n = m + 1,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum_and_escape_labels() {
        let svg = horizontal(
            &[
                Bar {
                    label: "A<B".into(),
                    value: 10_000,
                    shown: "100.0%".into(),
                },
                Bar {
                    label: "C".into(),
                    value: 5_000,
                    shown: "50.0%".into(),
                },
            ],
            10_000,
            "#b3261e",
            "覆盖率",
        );
        assert!(svg.contains("A&lt;B"));
        assert!(svg.contains("width=\"534\""), "{svg}");
        assert!(svg.contains("width=\"267\""), "{svg}");
    }

    #[test]
    fn monthly_columns_show_every_month() {
        let mut v = [0u32; 12];
        v[2] = 30;
        let svg = monthly(&v, "#0b5cad", "新增会员");
        assert_eq!(svg.matches("月</text>").count(), 12);
        assert!(svg.contains(">30</text>"));
    }
}
