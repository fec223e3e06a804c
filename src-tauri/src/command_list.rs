// Every command the webview may call, as `module::function` under `src/commands/`. This list is the
// single source for the registered handlers (`lib.rs`), the permissions `tauri_build` generates
// (`build.rs`), and the capability file, which a test checks against it.
#[allow(unused_macros)]
macro_rules! app_commands {
    ($then:ident) => {
        $then!(
            app::app_info,
            app::ui_ready,
            lab::lab_endpoints,
            checklist::check_run,
            checklist::check_cancel,
            checklist::manual_guide,
            checklist::reproduce_request,
            history::history_list,
            history::history_load,
            report::report_render,
            report::report_export,
            report::clipboard_write,
            files::pick_path,
            console::console_open,
            console::console_send,
            console::console_act,
            console::console_ping,
            console::console_close,
            console::console_forget,
            console::console_page,
            console::console_send_file,
            console::console_export,
            console::console_defaults,
            profiles::profiles_list,
            profiles::profile_get,
            profiles::profile_save,
            profiles::profile_secret_clear,
            profiles::profile_duplicate,
            profiles::profile_delete,
            profiles::profile_preview,
            profiles::profile_from_target,
            profiles::profile_import_command,
            profiles::profile_import_file,
            profiles::profile_export
        )
    };
}

#[allow(unused_macros)]
macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// The names of every app command, in registration order.
pub const COMMANDS: &[&str] = app_commands!(command_names);
