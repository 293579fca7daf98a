// THE CONTRACT THE SHELL MUST MIRROR — types that cross the Tauri bridge but are not (yet)
// generated from Rust. When the shell defines them with ts-rs, delete each one here and import it
// from ./bindings instead; the names and field names (camelCase) must stay as they are.
// Everything else the UI uses is generated: see ./bindings (ts-rs, `cargo test`).
import type { PrintoutKind } from "./bindings/PrintoutKind";

/** Answer of `check_gln`: the pharmacy's GLN (13 digits, GS1 check digit), as the user types. */
export type GlnCheck = {
  ok: boolean;
  /** Why it is not valid, in Swedish and English (`nll::ids::IdError`). */
  errorSv: string | null;
  errorEn: string | null;
};

/** A print queue (`printout::PrinterInfo`), from `list_printers`. */
export type PrinterInfo = {
  name: string;
  /** "idle" | "printing" | "stopped". */
  state: "idle" | "printing" | "stopped";
  /** Why the queue is stopped, if CUPS says. */
  reason: string | null;
  accepting: boolean;
  isDefault: boolean;
};

/** Page 1 of a printout, rendered by the shell from the same masked list it prints. */
export type PrintPreview = {
  kind: PrintoutKind;
  /** The printout's title, e.g. "Aktuella recept". */
  title: string;
  /** Pages in the whole printout. */
  pages: number;
  /**
   * Page 1 as an image: a `data:image/png;base64,…` or `data:image/svg+xml;base64,…` URL (the
   * CSP allows `img-src data:`; no PDF viewer, worker or eval is needed in the window).
   */
  image: string;
  /** Location-revealing data was left out (protected patient): the page says so at the top. */
  masked: boolean;
};

/** What `print` did. A failure is an answer, not a thrown error: the PDF is kept for saving. */
export type PrintOutcome =
  | {
      kind: "printed";
      printer: string;
      /** CUPS request id, e.g. "PDF-12". */
      jobId: string;
      /** CUPS confirmed the job completed. */
      confirmed: boolean;
    }
  | {
      kind: "failed";
      /** Swedish sentence: what happened and what to do (`printout::PrintError`). */
      message: string;
      messageEn: string;
      /** Where the PDF is kept until printed or saved (`None` → only in the app's memory). */
      kept: string | null;
    };

/** Keyring accounts the settings view may store a secret under (`store_secret`). */
export type SecretAccount = "pkcs12-password" | "oauth2-client-secret";

/** What a file picker is for (filters and title). */
export type PickFileKind = "certificate" | "ca";
