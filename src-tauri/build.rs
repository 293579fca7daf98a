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
    tauri_build::build()
}
