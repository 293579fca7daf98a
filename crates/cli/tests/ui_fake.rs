//! The UI's fake backend (`ui/src/fake`, the browser demo and the UI tests) answers with what
//! the real code answers: this test records `nllc fetch --sim --json` and `nllc check-id --json`
//! for the cases the UI tests and the demo use, and writes `ui/src/fake/answers.json`.
//! `scripts/test.sh` fails when the committed file differs from what this wrote, so a change to
//! the policy, the filters, the masking, the sentences or the test patients reaches the UI
//! tests the same day. The fake itself holds no rules: it looks answers up.
//!
//! Volatile values (session and request ids, timings) are replaced by fixed ones so that the
//! file changes only when an answer does.

use std::process::{Command, Output};
use std::sync::Mutex;

use serde_json::{json, Value};

/// The test server's date, the same as the fake's `FAKE_TODAY`: histories are relative to it.
const TODAY: &str = "2026-11-23";

const VUXEN: &str = "196804152384";
const SKYDDAD: &str = "198509234822";
const SEKRETESSMARKERING: &str = "197911023559";
const BARN: &str = "201703142461";
const SKYDDAT_BARN: &str = "201708054737";
const UNGDOM: &str = "201105205825";
const DOS: &str = "194108081599";
const INTEGRITETSSPARR: &str = "197205303915";
const SEKRETESS_ORSAK: &str = "196610102730";
const FULLMAKT: &str = "194812014225";
const FULLMAKT_UPPHORD: &str = "195207192310";
const AVLIDEN: &str = "192411021880";
const SAMORDNING: &str = "199003684579";
const INGA_RECEPT: &str = "199509091394";
/// Valid, and not in the catalogue.
const OKAND: &str = "200001012384";
const VARDNADSHAVARE_BARN: &str = "198606301284";
const VARDNADSHAVARE_SKYDDAT_BARN: &str = "198901172646";
const VARDNADSHAVARE_UNGDOM: &str = "197809141356";
const OMBUD: &str = "197504170775";
const OMBUD_UPPHORD: &str = "198002283466";

fn nllc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(args)
        .output()
        .unwrap()
}

/// One lookup as the UI asks for it.
#[derive(Clone, Default)]
struct Case {
    login: &'static str,
    pnr: &'static str,
    flow: &'static str,
    consent: bool,
    identity: bool,
    agent: Option<&'static str>,
    guardian: Option<&'static str>,
    /// A fault of the test server (`nllc fetch --fault`): the fake answers it when a test says
    /// NLL has trouble.
    fault: Option<&'static str>,
}

fn case(pnr: &'static str, flow: &'static str) -> Case {
    Case {
        login: "farmaceut",
        pnr,
        flow,
        ..Case::default()
    }
}

impl Case {
    fn consent(mut self) -> Case {
        self.consent = true;
        self
    }
    fn identity(mut self) -> Case {
        self.identity = true;
        self
    }
    fn agent(mut self, a: &'static str) -> Case {
        self.agent = Some(a);
        self
    }
    fn guardian(mut self, g: &'static str) -> Case {
        self.guardian = Some(g);
        self
    }
    fn login(mut self, l: &'static str) -> Case {
        self.login = l;
        self
    }
    fn fault(mut self, f: &'static str) -> Case {
        self.fault = Some(f);
        self
    }

    fn args(&self, log: &str) -> Vec<String> {
        let mut a: Vec<String> = [
            "fetch",
            "--sim",
            "--json",
            "--date",
            TODAY,
            "--access-log",
            log,
            "--login",
            self.login,
            "--personnummer",
            self.pnr,
            "--flow",
            self.flow,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if self.consent {
            a.push("--consent".into());
        }
        if self.identity {
            a.push("--identity-checked".into());
        }
        if let Some(x) = self.agent {
            a.extend(["--agent".into(), x.into()]);
        }
        if let Some(x) = self.guardian {
            a.extend(["--guardian".into(), x.into()]);
        }
        if let Some(f) = self.fault {
            a.extend(["--fault".into(), f.into()]);
        }
        a
    }

    fn request(&self) -> Value {
        json!({
            "login": self.login,
            "personnummer": self.pnr,
            "flow": self.flow,
            "consent": self.consent,
            "identityChecked": self.identity,
            "agent": self.agent,
            "guardian": self.guardian,
            "fault": self.fault,
        })
    }
}

fn cases() -> Vec<Case> {
    vec![
        case(VUXEN, "expediering"),
        case(VUXEN, "expediering").fault("503,path=/fhir/Patient"),
        case(VUXEN, "lakemedelsstod"),
        case(VUXEN, "lakemedelsstod").consent(),
        case(VUXEN, "lakemedelsstod-dos"),
        case(VUXEN, "egna-uppgifter"),
        case(VUXEN, "egna-uppgifter").identity(),
        case(VUXEN, "ombud"),
        case(VUXEN, "vardnadshavare"),
        case(VUXEN, "expediering").login("apotekspersonal"),
        case(VUXEN, "lakemedelsstod")
            .consent()
            .login("apotekspersonal"),
        case(SKYDDAD, "expediering"),
        case(SKYDDAD, "lakemedelsstod").consent(),
        case(SKYDDAD, "egna-uppgifter").identity(),
        case(SEKRETESSMARKERING, "expediering"),
        case(BARN, "expediering"),
        case(BARN, "vardnadshavare").guardian(VARDNADSHAVARE_BARN),
        case(BARN, "vardnadshavare").guardian(OMBUD),
        case(SKYDDAT_BARN, "vardnadshavare").guardian(VARDNADSHAVARE_SKYDDAT_BARN),
        case(UNGDOM, "expediering"),
        case(UNGDOM, "vardnadshavare").guardian(VARDNADSHAVARE_UNGDOM),
        // A dos patient's list is long (weekly rolls): only what the UI tests need.
        case(DOS, "expediering"),
        case(DOS, "egna-uppgifter").identity(),
        case(INTEGRITETSSPARR, "expediering"),
        case(INTEGRITETSSPARR, "lakemedelsstod").consent(),
        case(SEKRETESS_ORSAK, "egna-uppgifter").identity(),
        case(FULLMAKT, "expediering"),
        case(FULLMAKT, "ombud").agent(OMBUD),
        case(FULLMAKT, "ombud").agent(OMBUD_UPPHORD),
        case(FULLMAKT_UPPHORD, "ombud").agent(OMBUD_UPPHORD),
        case(AVLIDEN, "expediering"),
        case(SAMORDNING, "expediering"),
        case(INGA_RECEPT, "expediering"),
        case(OKAND, "expediering"),
    ]
}

/// Patients whose treatment reasons the fake can show (in Expediering, every prescription, each
/// variant, with and without consent).
const REASON_PATIENTS: [&str; 4] = [VUXEN, UNGDOM, DOS, INTEGRITETSSPARR];
const REASON_FLOWS: [&str; 3] = [
    "expediering-behandlingsorsak",
    "expediering-sparrad-behandlingsorsak",
    "expediering-barn-behandlingsorsak",
];

/// What the number fields are checked with: every number above in the forms a pharmacist
/// types, the ordinary patient's number as it is being typed, and the mistakes the tests make.
fn id_inputs() -> Vec<String> {
    let numbers = [
        VUXEN,
        SKYDDAD,
        SEKRETESSMARKERING,
        BARN,
        SKYDDAT_BARN,
        UNGDOM,
        DOS,
        INTEGRITETSSPARR,
        SEKRETESS_ORSAK,
        FULLMAKT,
        FULLMAKT_UPPHORD,
        AVLIDEN,
        SAMORDNING,
        INGA_RECEPT,
        OKAND,
        VARDNADSHAVARE_BARN,
        VARDNADSHAVARE_SKYDDAT_BARN,
        VARDNADSHAVARE_UNGDOM,
        OMBUD,
        OMBUD_UPPHORD,
        "195001253060",
    ];
    let mut v: Vec<String> = Vec::new();
    for n in numbers {
        let dashed = format!("{}-{}", &n[..8], &n[8..]);
        // 100 years or older on TODAY: the 10-digit form takes a +.
        let sep = if &n[..4] <= "1926" { '+' } else { '-' };
        v.extend([
            n.to_string(),
            dashed,
            format!("{}{sep}{}", &n[2..8], &n[8..]),
        ]);
    }
    for n in ["196804152384", "19680415-2384"] {
        v.extend((1..n.len()).map(|i| n[..i].to_string()));
    }
    v.extend(
        [
            "19680415-2385",
            "196804152385",
            "680415-2385",
            "1968-04-15",
            "19680415 2384",
            "abc",
        ]
        .map(String::from),
    );
    v.sort();
    v.dedup();
    v
}

const GLN_INPUTS: [&str; 4] = [
    "7350045511119",
    "7350045511118",
    "7350045511126",
    "735004551111",
];

/// Replaces what differs from run to run (ids of sessions and requests, timings).
fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match k.as_str() {
                    "sessionId" => *x = json!("recorded-session"),
                    "requestId" if !x.is_null() => *x = json!("recorded-request"),
                    "elapsedMs" => *x = json!(0),
                    _ => scrub(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// `nllc … --json`: its JSON, scrubbed.
fn json_of(o: &Output, what: &str) -> Value {
    let mut v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    scrub(&mut v);
    v
}

/// A lookup's answer: `{"ok": LookupResult}` on exit 0, else `{"error": ClientError}`.
fn answer(o: &Output, what: &str) -> Value {
    let v = json_of(o, what);
    match o.status.code() {
        Some(0) => json!({ "ok": v }),
        Some(1) | Some(3) => json!({ "error": v }),
        other => panic!(
            "{what}: exit {other:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

/// Runs `jobs` on a few threads (each is mostly a process starting), keeping their order.
fn parallel<T: Send>(jobs: Vec<Box<dyn FnOnce() -> T + Send + '_>>) -> Vec<T> {
    let n = jobs.len();
    let queue = Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>());
    let out = Mutex::new((0..n).map(|_| None).collect::<Vec<Option<T>>>());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let Some((i, job)) = queue.lock().unwrap().pop() else {
                    break;
                };
                let r = job();
                out.lock().unwrap()[i] = Some(r);
            });
        }
    });
    out.into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

#[test]
fn the_fake_backend_answers_what_nllc_answers() {
    let dir = std::env::temp_dir().join(format!("receptdisk-ui-fake-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("access-log.sqlite3");
    let log = log.to_str().unwrap();

    let cases = cases();
    let lookups = parallel(
        cases
            .iter()
            .map(|c| {
                Box::new(move || {
                    let o = nllc(&c.args(log).iter().map(String::as_str).collect::<Vec<_>>());
                    json!({ "request": c.request(), "answer": answer(&o, c.flow) })
                }) as Box<dyn FnOnce() -> Value + Send>
            })
            .collect(),
    );
    let shown = |pnr: &str, flow: &str| -> Value {
        lookups
            .iter()
            .find(|l| {
                l["request"]["personnummer"] == pnr
                    && l["request"]["flow"] == flow
                    && l["request"]["login"] == "farmaceut"
                    && l["request"]["fault"].is_null()
            })
            .and_then(|l| l["answer"].get("ok"))
            .unwrap_or_else(|| panic!("{pnr} {flow}: no list recorded"))
            .clone()
    };

    // Every masked value of the protected patients, revealed as the app's Visa does.
    let mut reveal_jobs: Vec<Box<dyn FnOnce() -> Value + Send>> = Vec::new();
    for c in cases
        .iter()
        .filter(|c| c.fault.is_none() && c.login == "farmaceut")
    {
        let Some(list) = lookups
            .iter()
            .find(|l| l["request"] == c.request())
            .and_then(|l| l["answer"].get("ok"))
        else {
            continue;
        };
        let keys: Vec<String> = list["list"]["record"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_string())
            .collect();
        if keys.is_empty() {
            continue;
        }
        let c = c.clone();
        reveal_jobs.push(Box::new(move || {
            let mut a = c.args(log);
            for k in &keys {
                a.extend(["--reveal".into(), k.clone()]);
            }
            let o = nllc(&a.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(o.status.code(), Some(0), "reveal {}", c.pnr);
            let v = json_of(&o, "reveal");
            json!({ "request": c.request(), "revealed": v["revealed"] })
        }));
    }
    let revealed = parallel(reveal_jobs);
    assert!(
        revealed
            .iter()
            .any(|r| r["request"]["personnummer"] == SKYDDAD),
        "the protected patient's list is masked"
    );

    // Treatment reasons of every prescription in Expediering, each variant, ± consent.
    let mut reason_jobs: Vec<Box<dyn FnOnce() -> Value + Send>> = Vec::new();
    for pnr in REASON_PATIENTS {
        let ids: Vec<String> = shown(pnr, "expediering")["list"]["list"]["prescriptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        for flow in REASON_FLOWS {
            for consent in [false, true] {
                let ids = ids.clone();
                reason_jobs.push(Box::new(move || {
                    let c = Case {
                        consent,
                        ..case(pnr, "expediering")
                    };
                    let mut a = c.args(log);
                    a.extend(["--reason-flow".into(), flow.into()]);
                    for id in &ids {
                        a.extend(["--treatment-reason".into(), id.clone()]);
                    }
                    let o = nllc(&a.iter().map(String::as_str).collect::<Vec<_>>());
                    assert_eq!(o.status.code(), Some(0), "reasons {pnr} {flow}");
                    let v = json_of(&o, "reasons");
                    // In the order asked: each answer under its prescription's id.
                    let answers: Vec<Value> = ids
                        .iter()
                        .zip(v["treatmentReasons"].as_array().expect("answers"))
                        .map(|(id, a)| json!({ "prescriptionId": id, "answer": a }))
                        .collect();
                    assert_eq!(answers.len(), ids.len(), "reasons {pnr} {flow}");
                    json!({ "personnummer": pnr, "flow": flow, "consent": consent,
                            "answers": answers })
                }));
            }
        }
    }
    let reasons = parallel(reason_jobs);

    let id_checks = parallel(
        id_inputs()
            .into_iter()
            .map(|text| {
                Box::new(move || {
                    let o = nllc(&["check-id", "--json", "--date", TODAY, "--", &text]);
                    (text.clone(), json_of(&o, &text))
                }) as Box<dyn FnOnce() -> (String, Value) + Send>
            })
            .collect(),
    );
    let gln_checks: Vec<(String, Value)> = GLN_INPUTS
        .iter()
        .map(|g| {
            let o = nllc(&["check-id", "--gln", "--json", g]);
            (g.to_string(), json_of(&o, g))
        })
        .collect();

    // What the UI tests rely on, so a recording that went wrong fails here, not there.
    assert_eq!(
        shown(VUXEN, "expediering")["list"]["list"]["patient"]["name"]["value"],
        "Karin Andersson"
    );
    assert_eq!(shown(SKYDDAD, "expediering")["list"]["masked"], true);
    // A dos patient gets Förteckning instead of Aktuella recept (EHM), already on the list's buttons.
    assert_eq!(
        shown(DOS, "egna-uppgifter")["context"]["printouts"],
        json!(["uthamtade", "forteckning"])
    );
    let refused = |pnr: &str, flow: &str| {
        lookups.iter().any(|l| {
            l["request"]["personnummer"] == pnr
                && l["request"]["flow"] == flow
                && l["answer"].get("error").is_some()
        })
    };
    assert!(refused(VUXEN, "lakemedelsstod"), "no consent: refused");
    assert!(refused(OKAND, "expediering"), "unknown patient");

    // One entry per line: a changed answer is a readable diff.
    let lines = |items: Vec<String>| format!("[\n    {}\n  ]", items.join(",\n    "));
    let compact = |v: &Value| serde_json::to_string(v).unwrap();
    let mut out = String::new();
    out.push_str("{\n  \"today\": \"");
    out.push_str(TODAY);
    out.push_str("\",\n  \"idChecks\": ");
    out.push_str(&lines(
        id_checks
            .iter()
            .map(|(t, v)| compact(&json!({ "text": t, "check": v })))
            .collect(),
    ));
    out.push_str(",\n  \"glnChecks\": ");
    out.push_str(&lines(
        gln_checks
            .iter()
            .map(|(t, v)| compact(&json!({ "text": t, "check": v })))
            .collect(),
    ));
    out.push_str(",\n  \"lookups\": ");
    out.push_str(&lines(lookups.iter().map(compact).collect()));
    out.push_str(",\n  \"revealed\": ");
    out.push_str(&lines(revealed.iter().map(compact).collect()));
    out.push_str(",\n  \"treatmentReasons\": ");
    out.push_str(&lines(reasons.iter().map(compact).collect()));
    out.push_str("\n}\n");
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/fake/answers.json");
    std::fs::write(file, out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
