// The command list is shared with the app through `include!`, so the permissions Tauri generates and the
// handlers the app registers come from one list.
include!("src/command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=capabilities");
    // generate_context! embeds ui/dist at compile time; rebuild when the UI build changes it.
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
