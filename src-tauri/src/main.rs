// Receptdisk desktop shell: translates between the counter UI and the crates. Thin by design.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .run(tauri::generate_context!())
        .expect("Receptdisk could not start");
}
