//! The policy table against NLL.md §3–6 and §9, row by row, and every denial.

use chrono::NaiveDate;
use nll::ids::{IdKind, PersonId};
use nll::policy::{
    CheckedBy, CodeStatus, Confirmations, DenialRule, PatientFacts, Policy, Requirement,
};
use nll::{AccessType, Flow, PrintoutKind, Purpose, Resource, Role};
use std::collections::HashSet;

use Role::{Apotekspersonal as AP, Farmaceut as F};

fn pnr(serial: u16) -> PersonId {
    PersonId::from_parts(
        NaiveDate::from_ymd_opt(1980, 5, 17).unwrap(),
        serial,
        IdKind::Personnummer,
    )
}

fn all_confirmed() -> Confirmations {
    Confirmations {
        consent: true,
        identity_checked: true,
        agent: Some(pnr(101)),
        guardian: Some(pnr(202)),
    }
}

struct Row {
    flow: Flow,
    purpose: &'static str,
    access: &'static str,
    roles: &'static [Role],
    window: Option<u32>,
    /// Resources the row must allow besides Patient.
    reads: &'static [Resource],
    /// Resources the row must NOT allow.
    not: &'static [Resource],
    filters: &'static [&'static str],
}

/// NLL.md §6, transcribed.
const SECTION_6: &[Row] = &[
    Row {
        flow: Flow::Expediering,
        purpose: "EXPEDIERING",
        access: "UTAN_KRAV_SAMTYCKE",
        roles: &[F, AP],
        window: Some(24),
        reads: &[
            Resource::ListInfo,
            Resource::MedicationRequest,
            Resource::MedicationDispense,
            Resource::DataLock,
        ],
        not: &[Resource::RelatedPerson],
        filters: &["FIL001", "FIL005"],
    },
    Row {
        flow: Flow::ExpedieringBehandlingsorsak,
        purpose: "EXPEDIERING",
        access: "TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK",
        roles: &[F],
        window: Some(24),
        reads: &[Resource::MedicationRequest],
        not: &[Resource::MedicationDispense, Resource::DataLock],
        filters: &["FIL001"],
    },
    Row {
        flow: Flow::ExpedieringSparradBehandlingsorsak,
        purpose: "EXPEDIERING",
        access: "SAMTYCKE_SPARRAD_BEHANDLINGSORSAK",
        roles: &[F],
        window: Some(24),
        reads: &[Resource::MedicationRequest],
        not: &[Resource::MedicationDispense, Resource::DataLock],
        filters: &["FIL001"],
    },
    Row {
        flow: Flow::ExpedieringBarnBehandlingsorsak,
        purpose: "EXPEDIERING",
        access: "BEHANDLINGSORSAK_UTAN_KRAV_SAMTYCKE_BARN",
        roles: &[F],
        window: Some(24),
        reads: &[Resource::MedicationRequest],
        not: &[Resource::MedicationDispense, Resource::DataLock],
        filters: &["FIL001"],
    },
    Row {
        flow: Flow::Lakemedelsstod,
        purpose: "UNDERLATTANDE_LAKEMEDELSANVANDNING",
        access: "TILLFALLIGT_SAMTYCKE",
        roles: &[F],
        window: None,
        reads: &[
            Resource::ListInfo,
            Resource::MedicationRequest,
            Resource::MedicationDispense,
        ],
        not: &[Resource::DataLock, Resource::RelatedPerson],
        filters: &["FIL003", "FIL006"],
    },
    Row {
        flow: Flow::LakemedelsstodDos,
        purpose: "UNDERLATTANDE_LAKEMEDELSANVANDNING",
        access: "DOSPATIENTS_UPPGIFTER",
        roles: &[F],
        window: None,
        reads: &[
            Resource::ListInfo,
            Resource::MedicationRequest,
            Resource::MedicationDispense,
        ],
        not: &[Resource::DataLock, Resource::RelatedPerson],
        filters: &["FIL004"],
    },
    Row {
        flow: Flow::EgnaUppgifter,
        purpose: "LASA_EGNA_UPPGIFTER",
        access: "EGNA_UPPGIFTER",
        roles: &[F, AP],
        window: None,
        reads: &[Resource::MedicationRequest, Resource::MedicationDispense],
        not: &[Resource::DataLock, Resource::RelatedPerson],
        filters: &[],
    },
    Row {
        flow: Flow::Ombud,
        purpose: "LASA_EGNA_UPPGIFTER",
        access: "KOPFULLMAKT",
        roles: &[F, AP],
        window: None,
        // Current prescriptions only; the high-cost period lives in the list info.
        reads: &[Resource::MedicationRequest, Resource::ListInfo],
        not: &[
            Resource::MedicationDispense,
            Resource::DataLock,
            Resource::RelatedPerson,
        ],
        filters: &[],
    },
    Row {
        flow: Flow::Vardnadshavare,
        purpose: "LASA_EGNA_UPPGIFTER",
        access: "VARDNADSHAVARE",
        roles: &[F, AP],
        window: None,
        reads: &[
            Resource::MedicationRequest,
            Resource::MedicationDispense,
            Resource::RelatedPerson,
        ],
        not: &[Resource::DataLock],
        filters: &[],
    },
];

#[test]
fn every_row_of_section_6() {
    let policy = Policy::standard();
    assert_eq!(policy.rules().len(), SECTION_6.len());
    for row in SECTION_6 {
        let rule = policy.rule(row.flow);
        let name = format!("{:?}", row.flow);
        assert_eq!(policy.purpose_code(rule.purpose), row.purpose, "{name}");
        assert_eq!(policy.access_code(rule.access), row.access, "{name}");
        assert_eq!(rule.roles, row.roles, "{name}");
        assert_eq!(rule.window_months, row.window, "{name}");
        assert!(
            rule.resources.contains(&Resource::Patient),
            "{name}: every flow starts with the Patient lookup"
        );
        for r in row.reads {
            assert!(rule.resources.contains(r), "{name} must read {r:?}");
        }
        for r in row.not {
            assert!(!rule.resources.contains(r), "{name} must not read {r:?}");
        }
        let ids: Vec<&str> = rule.filters.iter().filter_map(|f| f.id).collect();
        assert_eq!(ids, row.filters, "{name}");
        assert!(!rule.filters.is_empty(), "{name}: filters documented");
        assert!(
            !rule.source.is_empty() && !rule.label_sv.is_empty(),
            "{name}"
        );
        assert!(!rule.summary_sv.is_empty() && !rule.summary_en.is_empty());

        // With everything confirmed and facts that satisfy the row, both allowed roles get the
        // context the row describes.
        for role in row.roles {
            let facts = PatientFacts {
                age: Some(10),
                protected: Some(false),
                dos_consent: Some(true),
                guardian_relation: Some(true),
                power_of_attorney_active: Some(true),
            };
            let ctx = policy
                .evaluate(*role, row.flow, &facts, &all_confirmed())
                .unwrap_or_else(|d| panic!("{name} {role:?}: {}", d.sv));
            assert_eq!(ctx.purpose_code, row.purpose);
            assert_eq!(ctx.access_code, row.access);
            assert_eq!(ctx.window_months, row.window);
            assert_eq!(ctx.resources, rule.resources);
            assert_eq!(ctx.flow, row.flow);
            assert_eq!(ctx.role, *role);
        }
    }
}

#[test]
fn requirements_of_each_row() {
    let p = Policy::standard();
    let req = |f| p.rule(f).requires.to_vec();
    use Requirement::*;
    assert!(req(Flow::Expediering).is_empty());
    assert_eq!(
        req(Flow::ExpedieringBehandlingsorsak),
        [TreatmentReasonConsent]
    );
    assert_eq!(
        req(Flow::ExpedieringSparradBehandlingsorsak),
        [LockedTreatmentReasonConsent]
    );
    assert_eq!(req(Flow::ExpedieringBarnBehandlingsorsak), [PatientUnder18]);
    assert_eq!(req(Flow::Lakemedelsstod), [PatientConsent]);
    assert_eq!(req(Flow::LakemedelsstodDos), [DosConsent]);
    assert_eq!(req(Flow::EgnaUppgifter), [IdentityChecked]);
    assert_eq!(
        req(Flow::Ombud),
        [AgentPersonnummer, NotProtected, PowerOfAttorneyActive]
    );
    assert_eq!(
        req(Flow::Vardnadshavare),
        [
            GuardianPersonnummer,
            ChildUnder13,
            NotProtected,
            GuardianRelation
        ]
    );
    assert_eq!(AgentPersonnummer.checked_by(), CheckedBy::Confirmation);
    assert_eq!(PowerOfAttorneyActive.checked_by(), CheckedBy::PatientFacts);
}

#[test]
fn code_status_follows_nll_md() {
    let p = Policy::standard();
    assert_eq!(
        p.purpose_status(Purpose::Expediering),
        CodeStatus::Confirmed
    );
    assert_eq!(p.purpose_status(Purpose::Vard), CodeStatus::Confirmed);
    assert_eq!(
        p.purpose_status(Purpose::UnderlattandeLakemedelsanvandning),
        CodeStatus::Assumed
    );
    for a in [
        AccessType::UtanKravSamtycke,
        AccessType::TillfalligtSamtycke,
        AccessType::DospatientsUppgifter,
    ] {
        assert_eq!(p.access_status(a), CodeStatus::Confirmed, "{a:?}");
    }
    for a in [
        AccessType::TillfalligtSamtyckeBehandlingsorsak,
        AccessType::SamtyckeSparradBehandlingsorsak,
        AccessType::BehandlingsorsakUtanKravSamtyckeBarn,
        AccessType::Kopfullmakt,
        AccessType::Vardnadshavare,
    ] {
        assert_eq!(p.access_status(a), CodeStatus::Assumed, "{a:?}");
    }
    assert_eq!(
        p.protection_labels(),
        ["sekretessmarkering", "skyddadFolkbokforing"]
    );
}

/// NLL.md §5: every access type of seed 002 with EHM's published code; care's five confirmed
/// from EHM's care table, the two earlier guesses gone.
#[test]
fn access_codes_are_ehms_published_ones() {
    let p = Policy::standard();
    let care = [
        (AccessType::FormodatSamtycke, "FORMODAT_SAMTYCKE"),
        (AccessType::Nodatkomst, "NODATKOMST"),
        (
            AccessType::TillfalligtSamtyckeSparradeUppgifter,
            "TILLFALLIGT_SAMTYCKE_SPARRADE_UPPGIFTER",
        ),
        (AccessType::UtanKravSamtyckeBarn, "UTAN_KRAV_SAMTYCKE_BARN"),
        (
            AccessType::SamtyckePrivatTillVardpersonal,
            "SAMTYCKE_PRIVAT_TILL_VARDPERSONAL",
        ),
    ];
    for (a, code) in care {
        assert_eq!(p.access_code(a), code);
        assert_eq!(p.access_status(a), CodeStatus::Confirmed, "{a:?}");
        assert!(p.access_source(a).contains("[S8]"), "{a:?}");
        assert!(nll::policy::care_only_access(a), "{a:?}");
        assert_eq!(p.access_from_code(code), Some(a));
    }
    for wrong in ["SAMTYCKE_SPARRADE_UPPGIFTER", "REGISTRERAT_ATKOMSTSAMTYCKE"] {
        assert_eq!(p.access_from_code(wrong), None, "{wrong}");
    }
    assert_eq!(nll::policy::ALL_ACCESS_TYPES.len(), 14);
    // The table lists every one, with a distinct code.
    let table = p.code_table();
    let access: Vec<_> = table.iter().filter(|c| c.header == "X-Access").collect();
    assert_eq!(access.len(), 14);
    let codes: HashSet<&str> = access.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes.len(), 14);
    assert!(table
        .iter()
        .filter(|c| c.care_only)
        .all(|c| c.flows.is_empty() && c.status == CodeStatus::Confirmed));
}

/// Care-only codes are never offered at the counter: no flow of either pharmacy role sends one.
#[test]
fn no_counter_flow_uses_a_care_only_code() {
    let p = Policy::standard();
    for role in [F, AP] {
        let flows = p.flow_infos(role);
        assert!(!flows.is_empty());
        for f in flows {
            assert!(!nll::policy::care_only_access(f.access), "{:?}", f.flow);
            assert!(!nll::policy::care_only_purpose(f.purpose), "{:?}", f.flow);
        }
    }
    for rule in p.rules() {
        assert!(
            !nll::policy::care_only_access(rule.access),
            "{:?}",
            rule.flow
        );
        assert!(
            !nll::policy::care_only_purpose(rule.purpose),
            "{:?}",
            rule.flow
        );
    }
}

#[test]
fn codes_read_back_and_select_the_row() {
    let p = Policy::standard();
    for rule in p.rules() {
        let pc = p.purpose_code(rule.purpose);
        let ac = p.access_code(rule.access);
        assert_eq!(p.purpose_from_code(pc), Some(rule.purpose));
        assert_eq!(p.access_from_code(&format!(" {ac} ")), Some(rule.access));
        assert_eq!(p.rule_for_codes(pc, ac).map(|r| r.flow), Some(rule.flow));
    }
    assert_eq!(p.purpose_from_code("expediering"), None);
    assert_eq!(p.rule_for_codes("VARD", "UTAN_KRAV_SAMTYCKE"), None);
    assert_eq!(
        p.rule_for_codes("EXPEDIERING", "KOPFULLMAKT"),
        None,
        "not a valid combination"
    );
}

#[test]
fn flows_per_role_and_their_keys() {
    let p = Policy::standard();
    let flows = |role| p.flows_for(role).iter().map(|r| r.flow).collect::<Vec<_>>();
    assert_eq!(flows(F).len(), 9);
    assert_eq!(
        flows(AP),
        [
            Flow::Expediering,
            Flow::Ombud,
            Flow::EgnaUppgifter,
            Flow::Vardnadshavare
        ]
    );
    let main: Vec<(u8, String)> = p
        .flow_infos(F)
        .into_iter()
        .filter_map(|i| i.fkey.map(|k| (k, i.label_sv)))
        .collect::<Vec<_>>();
    let mut main = main;
    main.sort();
    let labels: Vec<&str> = main.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Expediering",
            "Läkemedelsstöd",
            "Ombud med fullmakt",
            "Egna uppgifter",
            "Vårdnadshavare"
        ]
    );
    assert_eq!(
        main.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    // Sub-flows have their own clear label and point at their main flow.
    let infos = p.flow_infos(F);
    let sub = infos
        .iter()
        .find(|i| i.flow == Flow::ExpedieringSparradBehandlingsorsak)
        .unwrap();
    assert_eq!(sub.main_flow, Flow::Expediering);
    assert_eq!(sub.fkey, None);
    assert_eq!(sub.label_sv, "Expediering – visa spärrad behandlingsorsak");
    assert_eq!(sub.access_code_status, CodeStatus::Assumed);
    // Apotekspersonal sees no Läkemedelsstöd key at all.
    assert!(p
        .flow_infos(AP)
        .iter()
        .all(|i| i.main_flow != Flow::Lakemedelsstod));
}

#[test]
fn flow_info_serialises_for_the_ui() {
    let p = Policy::standard();
    let infos = p.flow_infos(AP);
    let v = serde_json::to_value(&infos).unwrap();
    let ombud = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["flow"] == "ombud")
        .unwrap();
    assert_eq!(ombud["labelSv"], "Ombud med fullmakt");
    assert_eq!(ombud["purposeCode"], "LASA_EGNA_UPPGIFTER");
    assert_eq!(ombud["accessCode"], "KOPFULLMAKT");
    assert_eq!(ombud["accessCodeStatus"], "assumed");
    assert_eq!(ombud["fkey"], 3);
    assert_eq!(ombud["requires"][0]["requirement"], "agent-personnummer");
    assert_eq!(ombud["requires"][0]["checkedBy"], "confirmation");
    assert_eq!(ombud["printouts"][0], "aktuella-recept");
}

// ----- printouts (NLL.md §9) -----

#[test]
fn printouts_per_flow() {
    use PrintoutKind::*;
    let p = Policy::standard();
    assert_eq!(
        p.printouts(Flow::EgnaUppgifter, false),
        [AktuellaRecept, Uthamtade]
    );
    assert_eq!(
        p.printouts(Flow::EgnaUppgifter, true),
        [Uthamtade, Forteckning]
    );
    assert_eq!(p.printouts(Flow::Ombud, false), [AktuellaRecept]);
    assert!(p.printouts(Flow::Ombud, true).is_empty());
    assert_eq!(
        p.printouts(Flow::Vardnadshavare, false),
        [AktuellaRecept, Uthamtade]
    );
    assert_eq!(
        p.printouts(Flow::Vardnadshavare, true),
        [Uthamtade, Forteckning]
    );
    assert_eq!(
        p.printouts(Flow::Expediering, false),
        [Forskrivningshistorik]
    );
    assert!(p.printouts(Flow::Lakemedelsstod, false).is_empty());
    assert!(p.printouts(Flow::LakemedelsstodDos, true).is_empty());
    assert!(p
        .printouts(Flow::ExpedieringBehandlingsorsak, false)
        .is_empty());
    // Förskrivningshistorik is never offered in a patient-facing flow.
    for f in [Flow::EgnaUppgifter, Flow::Ombud, Flow::Vardnadshavare] {
        for dos in [false, true] {
            assert!(!p.printouts(f, dos).contains(&Forskrivningshistorik));
        }
    }
}

#[test]
fn request_context_carries_the_printouts_for_the_known_dos_status() {
    let p = Policy::standard();
    let c = all_confirmed();
    let before = p
        .evaluate(F, Flow::EgnaUppgifter, &PatientFacts::unknown(), &c)
        .unwrap();
    assert_eq!(
        before.printouts,
        [PrintoutKind::AktuellaRecept, PrintoutKind::Uthamtade]
    );
    let dos = PatientFacts {
        dos_consent: Some(true),
        ..PatientFacts::unknown()
    };
    let after = p.evaluate(F, Flow::EgnaUppgifter, &dos, &c).unwrap();
    assert_eq!(
        after.printouts,
        [PrintoutKind::Uthamtade, PrintoutKind::Forteckning]
    );
}

#[test]
fn printout_not_allowed() {
    use PrintoutKind::*;
    let p = Policy::standard();
    let d = p.check_printout(Flow::Ombud, Uthamtade, false).unwrap_err();
    assert_eq!(d.rule, DenialRule::PrintoutNotAllowed);
    assert!(
        d.sv.starts_with("Ett ombud får inte utskriften Uthämtade läkemedel"),
        "{}",
        d.sv
    );
    let d = p
        .check_printout(Flow::EgnaUppgifter, Forskrivningshistorik, false)
        .unwrap_err();
    assert!(d.sv.contains("endast för internt bruk"), "{}", d.sv);
    let d = p
        .check_printout(Flow::EgnaUppgifter, AktuellaRecept, true)
        .unwrap_err();
    assert_eq!(d.sv, "Aktuella recept skrivs inte ut för dospatienter.");
    let d = p
        .check_printout(Flow::Vardnadshavare, Forteckning, false)
        .unwrap_err();
    assert_eq!(d.sv, "Förteckning recept skrivs bara ut för dospatienter.");
    let d = p
        .check_printout(Flow::Lakemedelsstod, AktuellaRecept, false)
        .unwrap_err();
    assert_eq!(
        d.sv,
        "Utskriften Aktuella recept erbjuds inte i Läkemedelsstöd."
    );
    assert!(p
        .check_printout(Flow::Expediering, Forskrivningshistorik, false)
        .is_ok());
    assert!(p.check_printout(Flow::Ombud, AktuellaRecept, false).is_ok());
    assert!(p
        .check_printout(Flow::Vardnadshavare, Forteckning, true)
        .is_ok());
}

// ----- every denial -----

fn deny(role: Role, flow: Flow, facts: PatientFacts, c: Confirmations) -> nll::policy::Denial {
    let d = Policy::standard()
        .evaluate(role, flow, &facts, &c)
        .expect_err("must be denied");
    assert!(d.sv.ends_with('.') && d.en.ends_with('.'), "{d:?}");
    assert_ne!(d.sv, d.en);
    d
}

fn allow(role: Role, flow: Flow, facts: PatientFacts, c: Confirmations) {
    if let Err(d) = Policy::standard().evaluate(role, flow, &facts, &c) {
        panic!("{flow:?} denied: {}", d.sv);
    }
}

fn facts() -> PatientFacts {
    PatientFacts::unknown()
}

#[test]
fn wrong_role() {
    for flow in [
        Flow::ExpedieringBehandlingsorsak,
        Flow::ExpedieringSparradBehandlingsorsak,
        Flow::ExpedieringBarnBehandlingsorsak,
        Flow::Lakemedelsstod,
        Flow::LakemedelsstodDos,
    ] {
        let d = deny(AP, flow, facts(), all_confirmed());
        assert_eq!(d.rule, DenialRule::WrongRole, "{flow:?}");
        assert!(d.sv.contains("kräver rollen Farmaceut"), "{}", d.sv);
        assert!(
            d.sv.contains("du är inloggad som Apotekspersonal"),
            "{}",
            d.sv
        );
    }
    let d = deny(AP, Flow::Lakemedelsstod, facts(), all_confirmed());
    assert_eq!(
        d.sv,
        "Läkemedelsstöd kräver rollen Farmaceut; du är inloggad som Apotekspersonal."
    );
}

#[test]
fn consent_missing() {
    for flow in [
        Flow::Lakemedelsstod,
        Flow::ExpedieringBehandlingsorsak,
        Flow::ExpedieringSparradBehandlingsorsak,
    ] {
        let c = Confirmations {
            consent: false,
            ..all_confirmed()
        };
        let d = deny(F, flow, facts(), c);
        assert_eq!(d.rule, DenialRule::ConsentMissing, "{flow:?}");
        assert!(d.sv.contains("samtycke"), "{}", d.sv);
        allow(F, flow, facts(), all_confirmed());
    }
    // Expediering itself and the child flow need no consent.
    let none = Confirmations::default();
    allow(F, Flow::Expediering, facts(), none.clone());
    allow(AP, Flow::Expediering, facts(), none.clone());
    allow(F, Flow::ExpedieringBarnBehandlingsorsak, facts(), none);
}

#[test]
fn identity_not_checked() {
    let c = Confirmations {
        identity_checked: false,
        ..all_confirmed()
    };
    let d = deny(AP, Flow::EgnaUppgifter, facts(), c);
    assert_eq!(d.rule, DenialRule::IdentityNotChecked);
    assert!(d.sv.starts_with("Egna uppgifter kräver"), "{}", d.sv);
}

#[test]
fn agent_missing_and_power_of_attorney() {
    let c = Confirmations {
        agent: None,
        ..all_confirmed()
    };
    let d = deny(AP, Flow::Ombud, facts(), c);
    assert_eq!(d.rule, DenialRule::AgentMissing);
    assert_eq!(
        d.sv,
        "Ombud med fullmakt kräver ombudets personnummer: ange det först."
    );

    let no_poa = PatientFacts {
        power_of_attorney_active: Some(false),
        ..facts()
    };
    let d = deny(F, Flow::Ombud, no_poa, all_confirmed());
    assert_eq!(d.rule, DenialRule::NoPowerOfAttorney);
    // Unknown (before the lookup) and known-active both pass.
    allow(F, Flow::Ombud, facts(), all_confirmed());
    let poa = PatientFacts {
        power_of_attorney_active: Some(true),
        protected: Some(false),
        ..facts()
    };
    allow(AP, Flow::Ombud, poa, all_confirmed());
}

#[test]
fn guardian_rules() {
    let c = Confirmations {
        guardian: None,
        ..all_confirmed()
    };
    let d = deny(F, Flow::Vardnadshavare, facts(), c);
    assert_eq!(d.rule, DenialRule::GuardianMissing);

    let age = |a| PatientFacts {
        age: Some(a),
        ..facts()
    };
    allow(AP, Flow::Vardnadshavare, age(12), all_confirmed());
    allow(AP, Flow::Vardnadshavare, age(0), all_confirmed());
    for a in [13, 17, 40] {
        let d = deny(AP, Flow::Vardnadshavare, age(a), all_confirmed());
        assert_eq!(d.rule, DenialRule::GuardianOfChild13OrOlder, "{a}");
        assert_eq!(
            d.sv,
            format!("En vårdnadshavare får läsa barnets lista bara om barnet är under 13 år; patienten är {a} år.")
        );
    }

    let no_rel = PatientFacts {
        age: Some(8),
        guardian_relation: Some(false),
        ..facts()
    };
    let d = deny(F, Flow::Vardnadshavare, no_rel, all_confirmed());
    assert_eq!(d.rule, DenialRule::NoGuardianRelation);
}

#[test]
fn patient_too_old_for_the_child_treatment_reason_flow() {
    let age = |a| PatientFacts {
        age: Some(a),
        ..facts()
    };
    allow(
        F,
        Flow::ExpedieringBarnBehandlingsorsak,
        age(17),
        Confirmations::default(),
    );
    for a in [18, 19, 80] {
        let d = deny(
            F,
            Flow::ExpedieringBarnBehandlingsorsak,
            age(a),
            Confirmations::default(),
        );
        assert_eq!(d.rule, DenialRule::PatientTooOld, "{a}");
        assert!(d.sv.contains("under 18 år"), "{}", d.sv);
    }
}

#[test]
fn protected_patient_for_agent_or_guardian() {
    let protected = PatientFacts {
        age: Some(8),
        protected: Some(true),
        guardian_relation: Some(true),
        power_of_attorney_active: Some(true),
        dos_consent: Some(false),
    };
    let d = deny(F, Flow::Ombud, protected, all_confirmed());
    assert_eq!(d.rule, DenialRule::ProtectedPatientForAgentOrGuardian);
    assert!(d.sv.contains("fullmakter har upphört"), "{}", d.sv);
    let d = deny(AP, Flow::Vardnadshavare, protected, all_confirmed());
    assert_eq!(d.rule, DenialRule::ProtectedPatientForAgentOrGuardian);
    assert!(d.sv.contains("personbevis"), "{}", d.sv);
    // The protected reason wins over the (ended) relation: it says why.
    let ended = PatientFacts {
        guardian_relation: Some(false),
        power_of_attorney_active: Some(false),
        ..protected
    };
    assert_eq!(
        deny(AP, Flow::Vardnadshavare, ended, all_confirmed()).rule,
        DenialRule::ProtectedPatientForAgentOrGuardian
    );
    assert_eq!(
        deny(AP, Flow::Ombud, ended, all_confirmed()).rule,
        DenialRule::ProtectedPatientForAgentOrGuardian
    );
    // The patient's own flows and dispensing still run for a protected patient (masking applies).
    for flow in [Flow::Expediering, Flow::EgnaUppgifter, Flow::Lakemedelsstod] {
        allow(F, flow, protected, all_confirmed());
    }
}

#[test]
fn dos_flow_without_dos_consent() {
    let no_dos = PatientFacts {
        dos_consent: Some(false),
        ..facts()
    };
    let d = deny(F, Flow::LakemedelsstodDos, no_dos, Confirmations::default());
    assert_eq!(d.rule, DenialRule::NoDosConsent);
    assert!(
        d.sv.starts_with("Patienten har inget dossamtycke"),
        "{}",
        d.sv
    );
    let dos = PatientFacts {
        dos_consent: Some(true),
        ..facts()
    };
    allow(F, Flow::LakemedelsstodDos, dos, Confirmations::default());
}

#[test]
fn role_is_checked_before_anything_else() {
    // Nothing confirmed, facts that break every rule: the role is what is reported.
    let bad = PatientFacts {
        age: Some(50),
        protected: Some(true),
        dos_consent: Some(false),
        guardian_relation: Some(false),
        power_of_attorney_active: Some(false),
    };
    let d = deny(AP, Flow::LakemedelsstodDos, bad, Confirmations::default());
    assert_eq!(d.rule, DenialRule::WrongRole);
    // And the confirmation before the facts (it is what the user can fix first).
    let d = deny(F, Flow::Vardnadshavare, bad, Confirmations::default());
    assert_eq!(d.rule, DenialRule::GuardianMissing);
}

#[test]
fn every_denial_rule_is_reachable_and_distinct_in_wording() {
    let mut seen = HashSet::new();
    let mut sentences = HashSet::new();
    let p = Policy::standard();
    let bad = PatientFacts {
        age: Some(50),
        protected: Some(false),
        dos_consent: Some(false),
        guardian_relation: Some(false),
        power_of_attorney_active: Some(false),
    };
    for flow in nll::policy::ALL_FLOWS {
        for role in [F, AP] {
            for c in [Confirmations::default(), all_confirmed()] {
                for f in [
                    bad,
                    PatientFacts {
                        age: Some(5),
                        ..bad
                    },
                    PatientFacts {
                        protected: Some(true),
                        age: Some(5),
                        ..bad
                    },
                ] {
                    if let Err(d) = p.evaluate(role, flow, &f, &c) {
                        seen.insert(d.rule);
                        sentences.insert(d.sv);
                    }
                }
            }
        }
    }
    for f in nll::policy::ALL_FLOWS {
        for k in [
            PrintoutKind::AktuellaRecept,
            PrintoutKind::Uthamtade,
            PrintoutKind::Forteckning,
            PrintoutKind::Forskrivningshistorik,
        ] {
            if let Err(d) = p.check_printout(f, k, false) {
                seen.insert(d.rule);
            }
        }
    }
    use DenialRule::*;
    for rule in [
        WrongRole,
        ConsentMissing,
        IdentityNotChecked,
        AgentMissing,
        NoPowerOfAttorney,
        GuardianMissing,
        GuardianOfChild13OrOlder,
        NoGuardianRelation,
        PatientTooOld,
        ProtectedPatientForAgentOrGuardian,
        NoDosConsent,
        PrintoutNotAllowed,
    ] {
        assert!(seen.contains(&rule), "{rule:?} never produced");
    }
    // Produced by the client's register check, not by `evaluate`.
    for why in [
        nll::policy::Unverified::NoRegister,
        nll::policy::Unverified::UnknownAnswer(Some("pending".into())),
    ] {
        let d = nll::policy::power_of_attorney_unverified(&why);
        assert_eq!(d.rule, PowerOfAttorneyUnverified);
        assert!(sentences.insert(d.sv), "{why:?}");
    }
    assert!(sentences.len() >= 12);
}

#[test]
fn request_context_serialises_without_personnummer() {
    // By default the agent is not even in the context (no header carries it).
    let ctx = Policy::standard()
        .evaluate(AP, Flow::Ombud, &facts(), &all_confirmed())
        .unwrap();
    assert_eq!((ctx.agent, ctx.guardian), (None, None));
    let p = Policy::from_overrides_toml("[headers]\nagent_id = true\nguardian_id = true").unwrap();
    let ctx = p
        .evaluate(AP, Flow::Ombud, &facts(), &all_confirmed())
        .unwrap();
    assert_eq!(
        ctx.agent.as_ref().map(|a| a.twelve()),
        Some(pnr(101).twelve())
    );
    assert_eq!(ctx.guardian, None, "the guardian belongs to another flow");
    let json = serde_json::to_string(&ctx).unwrap();
    assert!(!json.contains(pnr(101).twelve()), "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["purposeCode"], "LASA_EGNA_UPPGIFTER");
    assert_eq!(v["accessCode"], "KOPFULLMAKT");
    assert_eq!(v["flow"], "ombud");
    assert_eq!(v["role"], "APOTEKSPERSONAL");
    assert_eq!(v["windowMonths"], serde_json::Value::Null);
    assert_eq!(v["printouts"], serde_json::json!(["aktuella-recept"]));

    let exp = p
        .evaluate(F, Flow::Expediering, &facts(), &all_confirmed())
        .unwrap();
    assert_eq!(exp.agent, None);
    assert_eq!(exp.guardian, None);
    assert_eq!(exp.window_months, Some(24));

    let d = p
        .evaluate(AP, Flow::Lakemedelsstod, &facts(), &all_confirmed())
        .unwrap_err();
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["rule"], "wrong-role");
    assert_eq!(d.to_string(), d.sv);
}
