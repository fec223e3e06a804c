//! What every proxy configuration reader shares: a config file read as hostile input (a regular file
//! within its size cap, blocks nested no deeper than a parser's recursion can take), and the paths that
//! usually carry WebSockets.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

/// Blocks nested deeper than this are refused before parsing (the parser recurses per level).
pub(super) const MAX_BLOCK_DEPTH: usize = 64;

/// A config file's text: a regular file within the size cap, nested no deeper than [`MAX_BLOCK_DEPTH`].
pub(super) fn read_config(path: &Path) -> Result<String, String> {
    let text = crate::input_file::read_text_capped(
        path,
        crate::input_file::MAX_CONFIG_BYTES,
        "config file",
    )?;
    let mut depth = 0usize;
    let (mut quote, mut comment, mut escaped) = (None, false, false);
    for (line, c) in text.chars().scan(1usize, |line, c| {
        let at = *line;
        if c == '\n' {
            *line += 1;
        }
        Some((at, c))
    }) {
        match (c, quote) {
            _ if escaped => escaped = false,
            ('\\', _) => escaped = true,
            ('\n', _) => comment = false,
            _ if comment => {}
            (q @ ('"' | '\''), None) => quote = Some(q),
            (q, Some(open)) if q == open => quote = None,
            _ if quote.is_some() => {}
            ('#', None) => comment = true,
            ('{', None) => {
                depth += 1;
                if depth > MAX_BLOCK_DEPTH {
                    return Err(format!(
                        "{}:{line}: blocks are nested more than {MAX_BLOCK_DEPTH} deep; WS Doctor does not read it",
                        path.display()
                    ));
                }
            }
            ('}', None) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(text)
}

/// Paths that usually carry WebSockets.
pub(super) static WEBSOCKET_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ws\b|wss|socket|websocket|cable|realtime|live|graphql|hub|signalr|sockjs|stream|events|push|notify").unwrap()
});
