const COMMANDS: &[&str] = &[
    "session_info",
    "login",
    "logout",
    "check_id",
    "lookup",
    "reveal",
    "end_customer",
    "treatment_reason",
    "access_log",
    "central_status",
    "get_settings",
    "save_settings",
    "test_connection",
    "restart",
    "keyring_status",
    "check_gln",
    "save_access_log_csv",
    "printouts",
    "render_preview",
    "list_printers",
    "print",
    "save_pdf",
];

fn main() {
    // The window embeds ui/dist at compile time. `make run` / `make test` build it first; a plain
    // `cargo build` on a fresh clone gets a one-page placeholder instead of a compile error.
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        std::fs::create_dir_all(dist).expect("create ui/dist");
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Receptdisk</title>\
             <p>Gränssnittet är inte byggt. Kör <code>make run</code>.</p>",
        )
        .expect("write placeholder ui/dist/index.html");
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    // The commands the UI may call: each gets an allow-<command> permission, granted one by one
    // in capabilities/default.json (an explicit allow-list).
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build");
}
