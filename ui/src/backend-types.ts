// Values the UI sends that Rust takes as plain strings, so ts-rs has no type to generate for them.
// The shell must accept exactly these (src-tauri: settings::SECRET_ACCOUNTS). Everything else
// that crosses is generated: see ./bindings.

/** Keyring accounts the settings view may store a secret under (`SecretInput.account`). */
export type SecretAccount = "pkcs12-password" | "oauth2-client-secret" | "nll-token";

/** What a file picker is for (its filters); used with the dialog plugin, not a command. */
export type PickFileKind = "certificate" | "ca";
