//! WebKitGTK settings for what the window shows: one page, loaded once from the app itself, that never
//! navigates, plays media or draws 3D.
//!
//! wry opens its webview with a browser's defaults: a memory cache sized for browsing, the back/forward page
//! cache on, WebGL and Web Audio on. For this page they buy nothing, and WebGL, Web Audio and media are
//! surface the page has no use for. `make measure` runs the app with and without these settings: on this
//! machine they change idle and flood memory by less than the run-to-run noise (a page that loads no
//! other documents has nothing for those caches to hold), so they stay for what they take away, not for
//! a figure. Most of the idle footprint is the WebKit, JavaScriptCore and Mesa libraries every WebKitGTK
//! app maps (README, "Footprint").
//!
//! Hardware acceleration is left as WebKit decides: forcing it off saved nothing measurable here (Xvfb has
//! no GPU, so WebKit already paints on the CPU), and on a desktop with one it would move the console's
//! repaints under a flood onto the CPU. Keeping WebKit from loading the GL stack at all stops its web
//! process from starting, so that is not an option either.

use tauri::{Runtime, WebviewWindow};

/// Applies the settings to the window's webview, on the main thread (where GTK objects live).
pub fn apply<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(feature = "test-seams")]
    if std::env::var_os("WSDOCTOR_WEBKIT_DEFAULTS").is_some() {
        // `scripts/measure-app` and `measure-flood` measure WebKit's defaults against these settings.
        tracing::info!("webview keeps WebKit's default settings (WSDOCTOR_WEBKIT_DEFAULTS)");
        return;
    }
    let applied = window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        linux::apply(&webview.inner());
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    });
    if let Err(error) = applied {
        tracing::warn!(%error, "webview settings not applied");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebView, WebViewExt};

    pub fn apply(webview: &WebView) {
        if let Some(context) = webview.context() {
            // A single local page: no memory cache of other documents, the smallest caches WebKit has.
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        let Some(settings) = WebViewExt::settings(webview) else {
            tracing::warn!("webview has no settings object; WebKit defaults kept");
            return;
        };
        // The page never navigates, so there is nothing to go back to.
        settings.set_enable_page_cache(false);
        // Nothing in the UI draws 3D or plays sound.
        settings.set_enable_webgl(false);
        settings.set_enable_webaudio(false);
        settings.set_enable_media(false);
        settings.set_enable_dns_prefetching(false);
        tracing::info!(
            "webview settings applied: document-viewer cache model, no page cache, WebGL, Web Audio or media"
        );
    }
}
