//! The cookies item: which of the jar's cookies a browser attaches to this handshake, and why the others
//! stay behind (the jar and a browser's rules: `crate::browser::cookie_jar`).

use url::Url;

use crate::browser::cookie_jar::{Cookie, header_cookie_names, withheld_because};
use crate::check::{CheckOptions, items};
use crate::net::Target;
use crate::report::{CheckStatus, Evidence, Recorder};

/// Records the cookies item: which of the jar's cookies a browser attaches to this handshake and why
/// the others stay behind. Returns the Cookie header to send (names and values, never reported).
pub(crate) fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    target: &Target,
    jar: &[Cookie],
) -> Option<String> {
    if options.cookie_file.is_none() {
        // A Cookie header given by hand goes as given; what a browser would send is the jar's business.
        let names = header_cookie_names(&options.headers);
        if !names.is_empty() {
            let step = rec.begin(&items::COOKIES);
            rec.finish(
                step,
                CheckStatus::Info,
                format!(
                    "Sent as given with -H: {}. A page's script cannot set a Cookie header on a WebSocket; a browser sends what its jar holds for this URL. Give the jar (--cookies, a Netscape cookie file or a HAR) to see which it would send.",
                    names.join(", ")
                ),
            );
        }
        return None;
    }
    let mut step = rec.begin(&items::COOKIES);
    let page = options.page_url.as_deref().and_then(|p| Url::parse(p).ok());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // A browser's jar holds every site's cookies: only those of the socket's site are this check's.
    let site = crate::browser::site::registrable(&target.url);
    let ours: Vec<&Cookie> = jar
        .iter()
        .filter(|c| {
            Url::parse(&format!("http://{}/", c.domain))
                .is_ok_and(|u| crate::browser::site::registrable(&u) == site)
        })
        .collect();
    let (mut sent, mut withheld) = (Vec::new(), Vec::new());
    for cookie in &ours {
        match withheld_because(cookie, &target.url, page.as_ref(), options.client, now) {
            None => sent.push(*cookie),
            // "name is not sent: …", not "name: …", which reads as a secret's name and value.
            Some(why) => withheld.push((
                cookie.name.clone(),
                format!("{} is not sent: {why}", cookie.name),
            )),
        }
    }
    if ours.len() < jar.len() {
        step.evidence.push(Evidence::new(
            "Other sites",
            format!(
                "{} cookie(s) of other sites in the jar, left aside",
                jar.len() - ours.len()
            ),
        ));
    }
    let names: Vec<&str> = sent.iter().map(|c| c.name.as_str()).collect();
    step.evidence.push(Evidence::new(
        "Sent",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        },
    ));
    if page.is_none() {
        step.evidence.push(Evidence::new(
            "SameSite",
            "not judged: give the page that opens the socket (--page-url) to tell a cross-site page",
        ));
    }
    if withheld.is_empty() {
        rec.finish(
            step,
            CheckStatus::Pass,
            format!(
                "A browser attaches {} cookie(s) from the jar: {}.",
                names.len(),
                names.join(", ")
            ),
        );
    } else {
        rec.diagnose(
            "cookie.not_sent",
            vec![
                Evidence::new(
                    "Not sent",
                    withheld
                        .iter()
                        .map(|(_, line)| line.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Evidence::new(
                    "Sent",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    },
                ),
            ],
        );
        rec.finish(
            step,
            CheckStatus::Warn,
            format!(
                "{} cookie(s) of this site stay behind: {}.",
                withheld.len(),
                withheld
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    (!sent.is_empty()).then(|| {
        sent.iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; ")
    })
}
