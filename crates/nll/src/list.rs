//! Builds the medication-list view model ([`MedicationList`]) from what NLL returned.
//!
//! - Prescriptions are grouped by status and dates against `ctx.as_of`: `cancelled`/`stopped`/
//!   `entered-in-error` → past (Cancelled); `completed` → past (Completed); otherwise past
//!   (Expired) after the validity end, future (Kommande) before the validity start, else current.
//!   Sorted by issue date, newest first.
//! - Dispenses: e-prescription or paper, credited ones carry their credit; newest hand-over first.
//!   `dispenses_made` counts a prescription's dispenses that were not credited or backed out.
//!   A dispense without its own dosage shows its prescription's; an e-prescription dispense's
//!   prescriber is the referenced prescription's.
//! - Locks become disclosure markers on the items they cover (NLL.md §7).
//! - Defence in depth: NLL filters by purpose and access type; the list applies the same rules
//!   again, so a server that returns too much cannot make the screen or a printout show it:
//!   the 24-month window, privacy-locked items in Läkemedelsstöd (FIL003), treatment reasons in
//!   Expediering/Läkemedelsstöd (FIL005/FIL006), items locked against the guardian (guardian
//!   flow) or the patient (own-data and agent flows), and non-current items for an agent.
//! - Completeness notices say what is not shown and why, derived from the flow and the data.
//!   Filtered data is never presented as "none".
//!
//! Protection is detected here (`masking::detect_protection`), masking itself is
//! `masking::mask`, applied to the result.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::ids::{self, PersonId};
use crate::masking;
use crate::model::{self, DataLock, MedicationDispense, MedicationRequest, Resource};
use crate::view::*;
use crate::vocab::Flow;

/// What NLL returned for one lookup, read by `model`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListInput {
    pub patient: Option<model::Patient>,
    pub list_info: Option<model::ListInfo>,
    pub prescriptions: Vec<MedicationRequest>,
    pub dispenses: Vec<MedicationDispense>,
    pub locks: Vec<DataLock>,
    /// Labels (`Type/id`) of resources the model does not read, kept so the list can say so.
    pub unknown: Vec<String>,
}

impl ListInput {
    /// Sorts resources of every page of every response into their places. OperationOutcomes
    /// and RelatedPersons are not list content and are left out; unknown resources are counted.
    /// The resources are moved, not copied, and without their JSON text (`raw`): the list reads
    /// typed fields only, and so the pages' text is let go before the list is built (a heavy
    /// patient's pages are megabytes).
    pub fn from_resources(resources: impl IntoIterator<Item = Resource>) -> ListInput {
        let mut input = ListInput::default();
        input.sort_in(resources);
        input
    }

    fn sort_in(&mut self, resources: impl IntoIterator<Item = Resource>) {
        let input = self;
        for mut r in resources {
            r.forget_raw();
            match r {
                Resource::Patient(p) => {
                    if input.patient.is_none() {
                        input.patient = Some(*p);
                    }
                }
                Resource::ListInfo(li) => input.list_info = Some(li),
                Resource::MedicationRequest(rx) => input.prescriptions.push(*rx),
                Resource::MedicationDispense(d) => input.dispenses.push(*d),
                Resource::DataLock(l) => input.locks.push(l),
                Resource::RelatedPerson(_) | Resource::OperationOutcome(_) => {}
                Resource::Other(o) => input.unknown.push(o.label()),
            }
        }
    }

    /// [`ListInput::from_resources`] over whole Bundles (every page).
    pub fn from_bundles(bundles: impl IntoIterator<Item = model::Bundle>) -> ListInput {
        let bundles: Vec<model::Bundle> = bundles.into_iter().collect();
        let mut input = ListInput::default();
        // Room for all of them at once: thousands of dispenses are not grown into by doubling.
        input.prescriptions.reserve(
            bundles
                .iter()
                .map(|b| b.medication_requests().count())
                .sum(),
        );
        input.dispenses.reserve(
            bundles
                .iter()
                .map(|b| b.medication_dispenses().count())
                .sum(),
        );
        input.sort_in(
            bundles
                .into_iter()
                .flat_map(|b| b.entries.into_iter().map(|e| e.resource)),
        );
        input
    }
}

fn g(v: &Option<String>) -> Option<Guarded> {
    v.as_ref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Guarded::clear(s.clone()))
}

fn patient_view(input: &ListInput, ctx: &ListContext, labels: &[String]) -> PatientView {
    // A patient without personnummer appears only as a contained Patient in a prescription.
    let contained = input
        .prescriptions
        .iter()
        .find_map(|rx| rx.contained_patient.as_ref());
    let Some(p) = input.patient.as_ref().or(contained) else {
        // Nothing names the patient: fail closed on protection (nothing to show anyway).
        let (protected, protection_signals) = match &input.list_info {
            Some(li) if li.protected_person == Some(true) => (true, vec!["list-info".to_string()]),
            _ => (false, Vec::new()),
        };
        return PatientView {
            nll_id: None,
            personnummer: None,
            id_kind: None,
            personnummer_display: None,
            name: Guarded::clear(""),
            birth_date: None,
            age: None,
            deceased: false,
            address: None,
            municipality_code: None,
            region_code: None,
            phone: None,
            email: None,
            protected,
            protection_signals,
        };
    };
    let (protected, protection_signals) =
        masking::detect_protection(p, input.list_info.as_ref(), labels);
    // A number NLL sent that does not parse is kept as sent, without a display form.
    let parsed = p
        .identifier
        .as_ref()
        .and_then(|i| PersonId::parse(&i.value, ctx.as_of).ok());
    let birth_date = p
        .birth_date
        .or_else(|| parsed.as_ref().map(PersonId::birth_date));
    PatientView {
        nll_id: if input.patient.is_some() {
            p.id.clone()
        } else {
            None
        },
        personnummer: match &parsed {
            Some(id) => Some(id.twelve().to_string()),
            None => p.identifier.as_ref().map(|i| i.value.clone()),
        },
        personnummer_display: parsed.as_ref().map(|id| id.display(ctx.as_of)),
        id_kind: match &parsed {
            Some(id) => Some(id.kind()),
            None => p.identifier.as_ref().map(|i| i.kind),
        },
        name: Guarded::clear(p.name.clone().unwrap_or_default()),
        birth_date,
        age: birth_date.map(|b| ids::age_on(b, ctx.as_of)),
        deceased: p.deceased,
        address: g(&p.address),
        municipality_code: g(&p.municipality_code),
        region_code: g(&p.region_code),
        phone: g(&p.phone),
        email: g(&p.email),
        protected,
        protection_signals,
    }
}

fn product(m: &model::Medication) -> Product {
    let name = m
        .name()
        .map(str::to_string)
        .or_else(|| m.npl_id.as_ref().map(|id| format!("NPL-id {id}")))
        .or_else(|| m.varunummer.as_ref().map(|v| format!("Varunummer {v}")))
        .unwrap_or_else(|| "Okänd produkt".to_string());
    Product {
        name,
        substance: m.substance().map(str::to_string),
        form: m.details.form.clone(),
        strength: m.details.strength.clone(),
        pack_size: m.pack_size().map(str::to_string),
        atc: m.atc.clone(),
        npl_id: m.npl_id.clone(),
        npl_pack_id: m.npl_pack_id.clone(),
        consumable: m.consumable,
    }
}

fn prescriber(p: Option<&model::Practitioner>) -> PrescriberView {
    match p {
        None => PrescriberView {
            name: None,
            profession: None,
            workplace_name: None,
            workplace_code: None,
            workplace_address: None,
            workplace_phone: None,
        },
        Some(p) => PrescriberView {
            name: g(&p.name),
            profession: p.profession.clone(),
            workplace_name: g(&p.workplace.name),
            workplace_code: g(&p.workplace.code),
            workplace_address: g(&p.workplace.address),
            workplace_phone: g(&p.workplace.phone),
        },
    }
}

/// Group and end reason of a prescription on `as_of`.
pub fn classify(rx: &MedicationRequest, as_of: NaiveDate) -> (RxGroup, Option<RxEnd>) {
    match rx.status.as_str() {
        "cancelled" | "stopped" | "entered-in-error" => (RxGroup::Past, Some(RxEnd::Cancelled)),
        "completed" => (RxGroup::Past, Some(RxEnd::Completed)),
        _ => {
            let dr = &rx.dispense_request;
            if dr.valid_until.is_some_and(|end| end < as_of) {
                (RxGroup::Past, Some(RxEnd::Expired))
            } else if dr.valid_from.is_some_and(|start| start > as_of) {
                (RxGroup::Future, None)
            } else {
                (RxGroup::Current, None)
            }
        }
    }
}

/// Which locks cover what.
struct Locks<'a> {
    all: &'a [DataLock],
}

impl<'a> Locks<'a> {
    fn chain(&self, chain: Option<&str>) -> Vec<&'a DataLock> {
        let Some(chain) = chain else {
            return Vec::new();
        };
        self.all
            .iter()
            .filter(|l| {
                l.scope == LockScope::PrescriptionChain && l.chain_id.as_deref() == Some(chain)
            })
            .collect()
    }
    fn paper(&self) -> Vec<&'a DataLock> {
        self.all
            .iter()
            .filter(|l| l.scope == LockScope::PaperDispenses)
            .collect()
    }
}

fn markers(locks: &[&DataLock]) -> Vec<DisclosureMarker> {
    let mut out = Vec::new();
    let mut add = |m| {
        if !out.contains(&m) {
            out.push(m);
        }
    };
    for l in locks {
        match (l.kind, l.against) {
            (LockKind::Confidentiality, LockAgainst::Guardian) => {
                add(DisclosureMarker::NotToGuardian)
            }
            (LockKind::Confidentiality, LockAgainst::Patient) => {
                add(DisclosureMarker::ReasonNotToPatient)
            }
            (LockKind::Privacy, _) => add(DisclosureMarker::PrivacyLocked),
            (LockKind::Confidentiality, LockAgainst::Care) => add(DisclosureMarker::PrivacyLocked),
        }
    }
    out
}

/// What the flow does with an item covered by `locks`.
enum Verdict {
    Show,
    /// Shown, but the treatment reason withheld (code for `TreatmentReason::Withheld`).
    WithholdReason(&'static str),
    Hide,
}

/// The receiver against whom locks apply in this flow, if any (defence in depth).
fn verdict(flow: Flow, locks: &[&DataLock]) -> Verdict {
    let mut out = Verdict::Show;
    for l in locks {
        let applies = match flow {
            // FIL003: privacy-locked chains and paper dispenses are not returned.
            Flow::Lakemedelsstod => l.kind == LockKind::Privacy,
            // Consent covers unlocked reasons only; a locked reason needs its own flow.
            Flow::ExpedieringBehandlingsorsak => l.kind == LockKind::Privacy,
            Flow::Vardnadshavare => {
                l.kind == LockKind::Confidentiality && l.against == LockAgainst::Guardian
            }
            Flow::EgnaUppgifter | Flow::Ombud => {
                l.kind == LockKind::Confidentiality && l.against == LockAgainst::Patient
            }
            _ => false,
        };
        if !applies {
            continue;
        }
        // Expediering shows privacy-locked items (FIL001); only their reason stays locked.
        let whole = l.content == LockContent::Whole && flow != Flow::ExpedieringBehandlingsorsak;
        if whole {
            return Verdict::Hide;
        }
        out = Verdict::WithholdReason("lock");
    }
    out
}

/// The flow never shows treatment reasons (NLL withholds them; FIL005/FIL006).
fn flow_withholds_reason(flow: Flow) -> Option<&'static str> {
    match flow {
        Flow::Expediering => Some("FIL005"),
        Flow::Lakemedelsstod => Some("FIL006"),
        _ => None,
    }
}

fn treatment_reason(rx: &MedicationRequest, flow: Flow, verdict: &Verdict) -> TreatmentReason {
    if let Some(code) = &rx.reason_absent {
        return TreatmentReason::Withheld {
            reason: code.clone(),
        };
    }
    let Some(text) = rx
        .treatment_reason
        .as_ref()
        .filter(|t| !t.trim().is_empty())
    else {
        return TreatmentReason::None;
    };
    if let Some(code) = flow_withholds_reason(flow) {
        return TreatmentReason::Withheld {
            reason: code.to_string(),
        };
    }
    if let Verdict::WithholdReason(code) = verdict {
        return TreatmentReason::Withheld {
            reason: code.to_string(),
        };
    }
    TreatmentReason::Shown { text: text.clone() }
}

fn is_backed_out(d: &MedicationDispense) -> bool {
    d.credited.is_some()
        || matches!(
            d.status.as_deref(),
            Some("entered-in-error" | "cancelled" | "declined" | "stopped")
        )
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        m -= 1;
    }
    m.max(0)
}

fn notice(code: impl Into<String>, sv: impl Into<String>, en: impl Into<String>) -> Notice {
    Notice {
        code: code.into(),
        sv: sv.into(),
        en: en.into(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "1 förskrivning är spärrad och visas inte." / "3 förskrivningar är spärrade och visas inte."
fn locked_hidden(
    n: usize,
    one_sv: &str,
    many_sv: &str,
    one_en: &str,
    many_en: &str,
) -> (String, String) {
    if n == 1 {
        (
            format!("1 {one_sv} och visas inte."),
            format!("1 {one_en} locked and not shown."),
        )
    } else {
        (
            format!("{n} {many_sv} och visas inte."),
            format!("{n} {many_en} locked and not shown."),
        )
    }
}

/// One item per id, the highest `meta.versionId` (numeric when it is a number), first seen on a
/// tie; order of first appearance kept.
fn dedup<T>(items: &mut Vec<T>, id_version: impl Fn(&T) -> (String, Option<String>)) {
    let rank = |v: &Option<String>| {
        v.as_deref()
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // In place: thousands of dispenses are not moved into a second vector.
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut keep = vec![true; items.len()];
    for i in 0..items.len() {
        let (id, version) = id_version(&items[i]);
        match first.get(&id) {
            Some(&j) => {
                if rank(&version) > rank(&id_version(&items[j]).1) {
                    items.swap(i, j);
                }
                keep[i] = false;
            }
            None => {
                first.insert(id, i);
            }
        }
    }
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

/// Builds the list. `labels` are the policy's protection labels (`Policy::protection_labels`).
pub fn build(mut input: ListInput, ctx: ListContext, labels: &[String]) -> MedicationList {
    // Paging can hand the same resource over twice (a page boundary shifting under a change):
    // keep one of each, the highest version, so nothing is counted twice.
    dedup(&mut input.prescriptions, |r| {
        (r.id.clone(), r.version.clone())
    });
    dedup(&mut input.dispenses, |d| (d.id.clone(), d.version.clone()));
    let flow = ctx.flow;
    let as_of = ctx.as_of;
    let patient = patient_view(&input, &ctx, labels);
    let locks = Locks { all: &input.locks };
    let in_window = |date: Option<NaiveDate>| match (ctx.window_from, date) {
        (Some(from), Some(d)) => d >= from,
        _ => true,
    };

    let by_id: HashMap<&str, &MedicationRequest> = input
        .prescriptions
        .iter()
        .map(|rx| (rx.id.as_str(), rx))
        .collect();
    let mut made: HashMap<&str, u32> = HashMap::new();
    for d in &input.dispenses {
        if let Some(id) = &d.prescription_id {
            if !is_backed_out(d) {
                *made.entry(id.as_str()).or_default() += 1;
            }
        }
    }

    let mut hidden_locked = 0usize;
    let mut hidden_window = 0usize;

    let mut prescriptions = Vec::new();
    for rx in &input.prescriptions {
        if !in_window(rx.authored_on) {
            hidden_window += 1;
            continue;
        }
        let covering = locks.chain(rx.chain_id.as_deref());
        let v = verdict(flow, &covering);
        if matches!(v, Verdict::Hide) {
            hidden_locked += 1;
            continue;
        }
        let (group, end) = classify(rx, as_of);
        if flow == Flow::Ombud && group != RxGroup::Current {
            continue;
        }
        let dr = &rx.dispense_request;
        prescriptions.push(PrescriptionView {
            id: rx.id.clone(),
            chain_id: rx.chain_id.clone(),
            group,
            end,
            status: rx.status.clone(),
            authored_on: rx.authored_on,
            valid_from: dr.valid_from,
            valid_until: dr.valid_until,
            product: product(&rx.medication),
            dosage: rx.dosage.clone(),
            packages: dr.packages,
            dispenses_allowed: dr.dispenses_allowed(),
            dispenses_made: made.get(rx.id.as_str()).copied().unwrap_or(0),
            substitution_allowed: rx.substitution_allowed,
            benefit: rx.benefit.clone(),
            treatment_reason: treatment_reason(rx, flow, &v),
            prescriber: prescriber(rx.requester.as_ref()),
            receiving_pharmacy: rx
                .receiving_pharmacy
                .as_ref()
                .and_then(|p| g(&p.name.clone().or(p.gln.clone()))),
            dos: rx.dos,
            dose_pharmacy_name: rx.dose_pharmacy.as_ref().and_then(|d| g(&d.name)),
            dose_pharmacy_phone: rx.dose_pharmacy.as_ref().and_then(|d| g(&d.phone)),
            markers: markers(&covering),
        });
    }
    prescriptions.sort_by(|a, b| {
        b.authored_on
            .cmp(&a.authored_on)
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut hidden_dispenses = 0usize;
    let mut dispenses = Vec::new();
    if flow != Flow::Ombud {
        for d in &input.dispenses {
            if !in_window(d.handed_over) {
                hidden_window += 1;
                continue;
            }
            let rx: Option<&MedicationRequest> = match d.paper_prescription() {
                Some(p) => Some(p),
                None => d
                    .prescription_id
                    .as_deref()
                    .and_then(|id| by_id.get(id).copied()),
            };
            let covering = if d.paper {
                locks.paper()
            } else {
                let chain = rx.and_then(|r| r.chain_id.as_deref());
                locks.chain(chain)
            };
            if matches!(verdict(flow, &covering), Verdict::Hide) {
                hidden_dispenses += 1;
                continue;
            }
            let own_product = d.medication.name().is_some();
            dispenses.push(DispenseView {
                id: d.id.clone(),
                prescription_id: d.prescription_id.clone(),
                channel: if d.paper {
                    DispenseChannel::Paper
                } else {
                    DispenseChannel::EPrescription
                },
                handed_over: d.handed_over,
                product: match (own_product, rx) {
                    (false, Some(rx)) => product(&rx.medication),
                    _ => product(&d.medication),
                },
                packages: d.packages,
                quantity: d.quantity.as_ref().and_then(|q| q.text()),
                dosage: d
                    .dosage
                    .clone()
                    .or_else(|| rx.and_then(|r| r.dosage.clone())),
                prescriber: prescriber(rx.and_then(|r| r.requester.as_ref())),
                pharmacy: match &d.pharmacy {
                    Some(p) => PharmacyView {
                        name: g(&p.name),
                        gln: g(&p.gln),
                        address: g(&p.address),
                    },
                    None => PharmacyView {
                        name: None,
                        gln: None,
                        address: None,
                    },
                },
                credited: d.credited.as_ref().map(|c| Credit {
                    date: c.date,
                    comment: c.comment.clone(),
                }),
                substituted: d.substituted,
                benefit: d.benefit.clone().or(d.benefit_choice_code.clone()),
                markers: markers(&covering),
            });
        }
        dispenses.sort_by(|a, b| {
            b.handed_over
                .cmp(&a.handed_over)
                .then_with(|| a.id.cmp(&b.id))
        });
    }

    let info = ListInfoView {
        version: input.list_info.as_ref().and_then(|l| l.version),
        controlled_drugs: input
            .list_info
            .as_ref()
            .and_then(|l| l.controlled_drugs)
            .unwrap_or(false),
        privacy_lock: input
            .list_info
            .as_ref()
            .and_then(|l| l.privacy_lock)
            .unwrap_or(false),
        dos_patient: input
            .list_info
            .as_ref()
            .and_then(|l| l.dos_patient)
            .unwrap_or(false),
    };

    let lock_views: Vec<LockView> = if flow == Flow::Ombud {
        Vec::new()
    } else {
        input
            .locks
            .iter()
            .map(|l| LockView {
                id: l.id.clone(),
                kind: l.kind,
                scope: l.scope,
                content: l.content,
                against: l.against,
                chain_id: l.chain_id.clone(),
            })
            .collect()
    };

    let notices = notices(&NoticeFacts {
        ctx: &ctx,
        input: &input,
        prescriptions: &prescriptions,
        hidden_locked,
        hidden_dispenses,
        hidden_window,
    });

    let unknown_resources = std::mem::take(&mut input.unknown);
    drop_aside(input);
    MedicationList {
        patient,
        info,
        context: ctx,
        prescriptions,
        dispenses,
        locks: lock_views,
        notices,
        unknown_resources,
    }
}

/// Frees a large value on another thread: the lookup's resources once the list is built, a
/// list no longer needed — for a heavy patient some hundred thousand strings (about 10 ms)
/// that the counter need not wait for. Without a thread to be had, it is freed here (with the
/// closure that held it).
pub fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop-aside".into())
        .spawn(move || drop(value));
}

struct NoticeFacts<'a> {
    ctx: &'a ListContext,
    input: &'a ListInput,
    prescriptions: &'a [PrescriptionView],
    hidden_locked: usize,
    hidden_dispenses: usize,
    hidden_window: usize,
}

fn notices(f: &NoticeFacts<'_>) -> Vec<Notice> {
    let flow = f.ctx.flow;
    let mut out = Vec::new();

    if let Some(from) = f.ctx.window_from {
        let m = months_between(from, f.ctx.as_of);
        out.push(notice(
            format!("window-{m}-months"),
            format!("Visar uppgifter registrerade de senaste {m} månaderna."),
            format!("Showing data registered in the last {m} months."),
        ));
    }

    if flow == Flow::Ombud {
        out.push(notice(
            "agent-current-only",
            "Som ombud visas endast aktuella recept. Avslutade och kommande recept, uthämtade läkemedel och spärrar visas inte.",
            "For an agent only current prescriptions are shown; past and future prescriptions, dispenses and locks are not.",
        ));
    }

    // Privacy locks hide data in Läkemedelsstöd (FIL003): NLL does not say how much, the list
    // info says whether. Items hidden here (defence in depth) are counted.
    let rx_hidden = || {
        locked_hidden(
            f.hidden_locked,
            "förskrivning är spärrad",
            "förskrivningar är spärrade",
            "prescription is",
            "prescriptions are",
        )
    };
    let privacy_flag = f.input.list_info.as_ref().and_then(|l| l.privacy_lock);
    if f.hidden_locked > 0 {
        let (sv, en) = rx_hidden();
        out.push(notice("locked-hidden", sv, en));
    } else if flow == Flow::Lakemedelsstod && privacy_flag == Some(true) {
        out.push(notice(
            "locked-hidden",
            "Patienten har integritetsspärrade uppgifter. Spärrade förskrivningar och uthämtade läkemedel visas inte.",
            "The patient has privacy-locked data. Locked prescriptions and dispenses are not shown.",
        ));
    }
    if f.hidden_dispenses > 0 {
        let (sv, en) = locked_hidden(
            f.hidden_dispenses,
            "uttag är spärrat",
            "uttag är spärrade",
            "dispense is",
            "dispenses are",
        );
        out.push(notice("locked-dispenses-hidden", sv, en));
    }
    match flow {
        Flow::Vardnadshavare => out.push(notice(
            "guardian-filter",
            "Uppgifter med sekretesspärr mot vårdnadshavare visas inte.",
            "Data with a confidentiality lock against the guardian is not shown.",
        )),
        Flow::EgnaUppgifter | Flow::Ombud => out.push(notice(
            "patient-filter",
            "Uppgifter med sekretesspärr mot patienten visas inte.",
            "Data with a confidentiality lock against the patient is not shown.",
        )),
        _ => {}
    }

    let withheld = f
        .prescriptions
        .iter()
        .filter(|p| matches!(p.treatment_reason, TreatmentReason::Withheld { .. }))
        .count();
    if withheld > 0 {
        let hint_sv = match flow {
            Flow::Expediering => " Patientens samtycke krävs för att se behandlingsorsak.",
            _ => "",
        };
        let hint_en = match flow {
            Flow::Expediering => " The patient's consent is needed to see a treatment reason.",
            _ => "",
        };
        out.push(notice(
            "reason-withheld",
            format!(
                "Behandlingsorsak visas inte för {}.{hint_sv}",
                plural(withheld, "förskrivning", "förskrivningar")
            ),
            format!(
                "Treatment reason withheld for {}.{hint_en}",
                plural(withheld, "prescription", "prescriptions")
            ),
        ));
    }

    if f.hidden_window > 0 {
        out.push(notice(
            "outside-window-hidden",
            format!(
                "{} äldre än tidsfönstret visas inte.",
                plural(f.hidden_window, "uppgift", "uppgifter")
            ),
            format!(
                "{} older than the window not shown.",
                plural(f.hidden_window, "item", "items")
            ),
        ));
    }

    // The list info is fetched in the whole-list flows; without it, locks and dos are unknown.
    let list_info_expected = matches!(
        flow,
        Flow::Expediering | Flow::Lakemedelsstod | Flow::LakemedelsstodDos
    );
    if f.input.list_info.is_none() && list_info_expected {
        out.push(notice(
            "list-info-missing",
            "Uppgift om läkemedelslistan (spärrar, dos) saknas i svaret. Listan kan vara ofullständig.",
            "The medication-list info (locks, dos) is missing from the response. The list may be incomplete.",
        ));
    }

    if !f.input.unknown.is_empty() {
        out.push(notice(
            "unknown-resources",
            format!(
                "NLL skickade {} som programmet inte kan visa.",
                plural(f.input.unknown.len(), "uppgift", "uppgifter")
            ),
            format!(
                "NLL sent {} this program cannot show.",
                plural(f.input.unknown.len(), "item", "items")
            ),
        ));
    }

    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months() {
        assert_eq!(months_between(d(2023, 3, 15), d(2025, 3, 15)), 24);
    }
}
