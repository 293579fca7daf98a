//! Printouts of the medication list, looking like E-hälsomyndigheten's own (NLL.md §9), and
//! printing them through the operating system.
//!
//! - [`render`] turns a [`MaskedList`] into a PDF: *Aktuella recept*, *Uthämtade läkemedel*,
//!   *Förteckning recept* and the internal *Förskrivningshistorik*. Only a `MaskedList` is
//!   accepted, so a protected patient's location-revealing data cannot reach paper: masked
//!   fields are left out, the name reads "Personuppgift skyddad", and page 1 says why. Nor
//!   does the printout say where and by whom it was made: no printing pharmacy, town, GLN or
//!   user in the text, the PDF's metadata or the suggested file name (NLL.md §8).
//! - [`render_for_flow`] first asks the policy table whether the flow may hand that printout
//!   out (NLL.md §9's last paragraph) and refuses with the policy's Swedish sentence.
//! - [`print()`] sends the PDF to a CUPS queue (Linux, macOS) and waits for the job; on Windows
//!   it hands the file to the system's PDF handler. A failed print keeps the PDF
//!   ([`PrintFailure::kept`]) until it is printed or saved.
//!
//! ```no_run
//! # fn demo(list: &nll::MaskedList) -> Result<(), Box<dyn std::error::Error>> {
//! use printout::{render_for_flow, PrintTarget, RenderOptions};
//! let policy = nll::policy::Policy::standard();
//! let opts = RenderOptions::new(nll::headers::OrgInfo {
//!     org_namn: "Apoteksbolaget Syd AB".into(),
//!     orgenhets_id: "7350012345013".into(),
//!     orgenhets_namn: "Apoteket Kronan".into(),
//!     orgenhets_ort: "Solna".into(),
//! });
//! let pdf = render_for_flow(&policy, nll::Flow::EgnaUppgifter, nll::PrintoutKind::Uthamtade, list, &opts)?;
//! pdf.save("uthamtade.pdf")?;
//! printout::print(&pdf, &PrintTarget::default_printer(1))?;
//! # Ok(()) }
//! ```

pub mod barcode;
pub mod content;
#[cfg(unix)]
mod ipp;
pub mod layout;
mod pdf;
pub mod print;
pub mod text;

use std::path::Path;

use nll::policy::{Denial, Policy};
use nll::{Flow, MaskedList, PrintoutKind};

pub use content::{RenderOptions, SortOrder};
pub use layout::Layout;
pub use print::{
    default_printer, discard_kept, list_printers, print, print_in, private_dir, save, spool_dir,
    write_private, PrintError, PrintFailure, PrintJob, PrintTarget, PrinterInfo, QueueState,
};

/// A rendered printout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdf {
    pub kind: PrintoutKind,
    /// The printout's title (also the PDF's metadata title).
    pub title: String,
    pub pages: usize,
    /// A file name without personal data or the printing pharmacy, e.g.
    /// `aktuella-recept-2026-11-23-1405.pdf`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Pdf {
    /// Writes the PDF to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PrintError> {
        print::save(self, path.as_ref())
    }
}

/// Why a printout was not produced.
#[derive(Debug, thiserror::Error)]
pub enum PrintoutError {
    /// The flow does not offer this printout; the policy's sentence says why.
    #[error("{0}")]
    NotAllowed(Denial),
}

impl PrintoutError {
    pub fn message_en(&self) -> String {
        match self {
            PrintoutError::NotAllowed(d) => d.en.clone(),
        }
    }
}

fn slug(kind: PrintoutKind) -> &'static str {
    match kind {
        PrintoutKind::AktuellaRecept => "aktuella-recept",
        PrintoutKind::Uthamtade => "uthamtade-lakemedel",
        PrintoutKind::Forteckning => "forteckning-recept",
        PrintoutKind::Forskrivningshistorik => "forskrivningshistorik",
    }
}

/// The printout laid out on pages, before it becomes a PDF (for tests and previews).
pub fn layout_for(kind: PrintoutKind, list: &MaskedList, opts: &RenderOptions) -> Layout {
    layout::layout(content::document(kind, list, opts))
}

/// Renders `kind` from the masked list. Does not consult the policy: use
/// [`render_for_flow`] at the counter.
pub fn render(
    kind: PrintoutKind,
    list: &MaskedList,
    opts: &RenderOptions,
) -> Result<Pdf, PrintoutError> {
    let layout = layout_for(kind, list, opts);
    let bytes = pdf::write(&layout);
    Ok(Pdf {
        kind,
        title: layout.doc.title.clone(),
        pages: layout.pages.len(),
        file_name: format!(
            "{}-{}.pdf",
            slug(kind),
            opts.printed_at.format("%Y-%m-%d-%H%M")
        ),
        bytes,
    })
}

/// Renders `kind` if the policy lets `flow` hand it out for this patient (dos or not, from the
/// list); otherwise the policy's refusal.
pub fn render_for_flow(
    policy: &Policy,
    flow: Flow,
    kind: PrintoutKind,
    list: &MaskedList,
    opts: &RenderOptions,
) -> Result<Pdf, PrintoutError> {
    policy
        .check_printout(flow, kind, list.list.info.dos_patient)
        .map_err(PrintoutError::NotAllowed)?;
    render(kind, list, opts)
}
