// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    // Without a display GTK aborts with a cryptic panic; say what is wrong and what works instead.
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "WS Doctor needs a graphical display, and none is set (DISPLAY and WAYLAND_DISPLAY are empty). \
             Without one, use the command line: `wsdoctor --help`, or `wsdoctor lab` for the built-in lab."
        );
        return ExitCode::from(1);
    }
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // WebKitGTK's DMA-BUF renderer holds ~55 MB more anonymous memory than the shared-memory path
        // (measured with scripts/measure-app), and this UI draws text and lists, not video or WebGL.
        // A user can still opt back in with WEBKIT_DISABLE_DMABUF_RENDERER=0.
        // SAFETY: first thing in main, before GTK or any other thread exists.
        unsafe { std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1") };
    }
    match wsdoctor_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("WS Doctor could not start: {error}");
            ExitCode::FAILURE
        }
    }
}
