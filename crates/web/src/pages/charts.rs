//! Small charts drawn on the server as SVG (no script, no library): a column chart for a trend
//! and a bar chart for a breakdown. They scale to the page's width (viewBox), so they stay
//! readable on a 360 px phone; each chart is followed on the page by the same figures as a table.

use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar or column: its label, value, the value as shown, and where it leads (drill-down).
pub struct Item {
    pub label: String,
    pub value: i64,
    pub text: String,
    pub href: Option<String>,
}

fn link(out: &mut String, href: &Option<String>, inner: &str) {
    match href {
        Some(h) => {
            let _ = write!(out, "<a href=\"{}\">{inner}</a>", esc(h));
        }
        None => out.push_str(inner),
    }
}

/// Horizontal bars: for each item its label, the bar, then the value under it (so that a long
/// value never runs off a phone's screen).
pub fn bars(title: &str, items: &[Item]) -> String {
    const W: i64 = 340;
    const ROW: i64 = 46;
    let max = items.iter().map(|i| i.value).max().unwrap_or(0).max(1);
    let h = ROW * items.len().max(1) as i64;
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title)
    );
    if items.is_empty() {
        let _ = write!(
            out,
            "<text x=\"0\" y=\"20\" font-size=\"13\">Không có số liệu</text>"
        );
    }
    for (n, i) in items.iter().enumerate() {
        let y = n as i64 * ROW;
        let len = (i.value.max(0) * W / max).max(if i.value > 0 { 2 } else { 0 });
        let inner = format!(
            "<title>{}: {}</title><text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>\
             <rect x=\"0\" y=\"{}\" width=\"{len}\" height=\"12\" rx=\"2\" fill=\"#1d5fa8\"/>\
             <text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>",
            esc(&i.label),
            esc(&i.text),
            y + 12,
            esc(&i.label),
            y + 16,
            y + 40,
            esc(&i.text)
        );
        link(&mut out, &i.href, &inner);
    }
    out.push_str("</svg>");
    out
}

/// Columns over time, the first and last labels under the axis, the largest value above it.
pub fn columns(title: &str, items: &[Item]) -> String {
    const W: i64 = 340;
    const H: i64 = 150;
    const TOP: i64 = 18;
    const BASE: i64 = 128;
    let max = items.iter().map(|i| i.value).max().unwrap_or(0).max(1);
    let n = items.len().max(1) as i64;
    let step = W / n;
    let width = (step * 7 / 10).max(1);
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <line x1=\"0\" y1=\"{BASE}\" x2=\"{W}\" y2=\"{BASE}\" stroke=\"#888\" stroke-width=\"1\"/>",
        esc(title)
    );
    if let Some(top) = items.iter().max_by_key(|i| i.value).filter(|i| i.value > 0) {
        let _ = write!(
            out,
            "<text x=\"0\" y=\"11\" font-size=\"11\">Cao nhất: {} ({})</text>",
            esc(&top.text),
            esc(&top.label)
        );
    }
    for (k, i) in items.iter().enumerate() {
        let h = i.value.max(0) * (BASE - TOP) / max;
        let x = k as i64 * step + (step - width) / 2;
        let inner = format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{width}\" height=\"{h}\" fill=\"#1d5fa8\"><title>{}: {}</title></rect>",
            BASE - h,
            esc(&i.label),
            esc(&i.text)
        );
        link(&mut out, &i.href, &inner);
    }
    if let (Some(first), Some(last)) = (items.first(), items.last()) {
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text><text x=\"{W}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            BASE + 16,
            esc(&first.label),
            BASE + 16,
            esc(&last.label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_largest() {
        let items = vec![
            Item {
                label: "Đội <1>".into(),
                value: 10,
                text: "10".into(),
                href: Some("/cases?a=1&b=2".into()),
            },
            Item {
                label: "Đội 2".into(),
                value: 5,
                text: "5".into(),
                href: None,
            },
        ];
        let svg = bars("Theo đơn vị", &items);
        assert!(svg.contains("Đội &lt;1&gt;"));
        assert!(svg.contains("href=\"/cases?a=1&amp;b=2\""));
        assert!(svg.contains("width=\"340\""));
        assert!(svg.contains("width=\"170\""));
        assert!(columns("Xu hướng", &items).contains("Cao nhất: 10"));
    }
}
