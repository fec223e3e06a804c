//! Text escaped for the markup the reports are written in: the HTML report and the JUnit XML report.

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Markup {
    Html,
    /// XML 1.0, which cannot hold most control characters (a server may have sent some): they become
    /// U+FFFD.
    Xml,
}

/// `text` as character data or an attribute value of `markup`.
pub(super) fn escape(text: &str, markup: Markup) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' if markup == Markup::Html => out.push_str("&#39;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if markup == Markup::Xml
                && ((c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}') =>
            {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}
