//! NLL's access rules as the server applies them to one read (NLL.md §3–6), from the same table
//! the client uses: `nll::policy::Policy`. The server and the client cannot disagree about a
//! combination, and a pharmacy's override file (`Policy::from_overrides_toml`) changes the codes
//! the server accepts too.
//!
//! Two steps, because the second needs the patient: `choose` (before the patient is looked up:
//! are the purpose and access codes known, is the combination a row of the table, is it open to
//! the token's role and does it read this resource) and `validate`
//! (`Policy::evaluate_at_nll` with the patient's real facts: age limits, dos consent, protected
//! personal data — and the guardian relation and power of attorney only when the policy file
//! switched the agent/guardian headers on; otherwise the client has checked those itself).

use nll::ids::PersonId;
use nll::policy::{DenialRule, PatientFacts, Policy};
use nll::{AccessType, Flow, Purpose, Resource, Role};

use crate::outcome::Problem;

/// A valid flow chosen by the request's headers and the token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub role: Role,
    pub flow: Flow,
    pub purpose: Purpose,
    pub access: AccessType,
    /// Data window in months (Expediering: 24), `None` = the whole retention time.
    pub window_months: Option<u32>,
}

/// What the server knows about the patient and the people at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub age: u32,
    pub protected: bool,
    pub dos_consent: bool,
    /// The guardian named in `X-Guardian-Id` (if sent), and whether NLL has the relation.
    pub guardian: Option<(PersonId, bool)>,
    /// The agent named in `X-Agent-Id` (if sent), and whether the register has an active power
    /// of attorney from the patient to them.
    pub agent: Option<(PersonId, bool)>,
}

/// The server's view of the policy table.
#[derive(Debug)]
pub struct AccessRules {
    policy: Policy,
}

impl AccessRules {
    pub fn new(policy: Policy) -> AccessRules {
        AccessRules { policy }
    }

    /// Step 1, before the patient is known.
    pub fn choose(
        &self,
        role: Role,
        purpose: Option<&str>,
        access: Option<&str>,
        resource: Resource,
    ) -> Result<Choice, Problem> {
        let purpose = purpose
            .filter(|s| !s.trim().is_empty())
            .ok_or(Problem::MissingPurpose)?;
        let access = access
            .filter(|s| !s.trim().is_empty())
            .ok_or(Problem::MissingAccess)?;
        let p = self
            .policy
            .purpose_from_code(purpose)
            .ok_or_else(|| Problem::UnknownPurpose(purpose.trim().to_string()))?;
        let a = self
            .policy
            .access_from_code(access)
            .ok_or_else(|| Problem::UnknownAccess(access.trim().to_string()))?;
        let rule = self
            .policy
            .rule_for_codes(purpose, access)
            .ok_or(Problem::CombinationNotValid)?;
        if !rule.roles.contains(&role) {
            return Err(Problem::RoleNotAllowed);
        }
        if !rule.resources.contains(&resource) {
            return Err(Problem::ResourceNotAllowed);
        }
        Ok(Choice {
            role,
            flow: rule.flow,
            purpose: p,
            access: a,
            window_months: rule.window_months,
        })
    }

    /// Step 2, with the patient: `Policy::evaluate_at_nll` with the real facts. The access type
    /// itself asserts the consent or identity check it requires (NLL cannot see the counter);
    /// everything NLL can check, it checks — the agent and guardian when a header names them.
    pub fn validate(&self, choice: &Choice, facts: &Facts) -> Result<(), Problem> {
        let patient = PatientFacts {
            age: Some(facts.age),
            protected: Some(facts.protected),
            dos_consent: Some(facts.dos_consent),
            guardian_relation: facts.guardian.as_ref().map(|(_, rel)| *rel),
            power_of_attorney_active: facts.agent.as_ref().map(|(_, active)| *active),
        };
        match self.policy.evaluate_at_nll(
            choice.role,
            choice.flow,
            &patient,
            facts.agent.as_ref().map(|(id, _)| id.clone()),
            facts.guardian.as_ref().map(|(id, _)| id.clone()),
        ) {
            Ok(_) => Ok(()),
            Err(d) => Err(match d.rule {
                DenialRule::WrongRole => Problem::RoleNotAllowed,
                DenialRule::AgentMissing => Problem::MissingAgentId,
                DenialRule::GuardianMissing => Problem::MissingGuardianId,
                rule => Problem::Denied { rule, text: d.sv },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> AccessRules {
        AccessRules::new(Policy::standard())
    }

    #[test]
    fn codes_roles_and_resources_come_from_the_policy_table() {
        let r = rules();
        let c = r
            .choose(
                Role::Apotekspersonal,
                Some(" EXPEDIERING "),
                Some("UTAN_KRAV_SAMTYCKE"),
                Resource::DataLock,
            )
            .unwrap();
        assert_eq!((c.flow, c.window_months), (Flow::Expediering, Some(24)));
        assert_eq!(
            r.choose(
                Role::Apotekspersonal,
                Some("UNDERLATTANDE_LAKEMEDELSANVANDNING"),
                Some("TILLFALLIGT_SAMTYCKE"),
                Resource::Patient
            ),
            Err(Problem::RoleNotAllowed)
        );
        assert_eq!(
            r.choose(
                Role::Farmaceut,
                Some("LASA_EGNA_UPPGIFTER"),
                Some("KOPFULLMAKT"),
                Resource::MedicationDispense
            ),
            Err(Problem::ResourceNotAllowed)
        );
        assert_eq!(
            r.choose(
                Role::Farmaceut,
                Some("VARD"),
                Some("UTAN_KRAV_SAMTYCKE"),
                Resource::Patient
            ),
            Err(Problem::CombinationNotValid)
        );
        assert_eq!(
            r.choose(Role::Farmaceut, None, Some("X"), Resource::Patient),
            Err(Problem::MissingPurpose)
        );
    }

    #[test]
    fn overridden_codes_are_the_ones_accepted() {
        let policy =
            Policy::from_overrides_toml("[access]\nKOPFULLMAKT = \"FULLMAKT_APOTEK\"\n").unwrap();
        let r = AccessRules::new(policy);
        assert!(r
            .choose(
                Role::Farmaceut,
                Some("LASA_EGNA_UPPGIFTER"),
                Some("FULLMAKT_APOTEK"),
                Resource::Patient
            )
            .is_ok());
        assert!(matches!(
            r.choose(
                Role::Farmaceut,
                Some("LASA_EGNA_UPPGIFTER"),
                Some("KOPFULLMAKT"),
                Resource::Patient
            ),
            Err(Problem::UnknownAccess(_))
        ));
    }

    #[test]
    fn patient_facts_go_through_evaluate() {
        let r = rules();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let guardian = PersonId::parse("198606301284", today).unwrap();
        let c = r
            .choose(
                Role::Apotekspersonal,
                Some("LASA_EGNA_UPPGIFTER"),
                Some("VARDNADSHAVARE"),
                Resource::Patient,
            )
            .unwrap();
        let facts = |age, protected, rel: Option<bool>| Facts {
            age,
            protected,
            dos_consent: false,
            guardian: rel.map(|rel| (guardian.clone(), rel)),
            agent: None,
        };
        assert_eq!(r.validate(&c, &facts(9, false, Some(true))), Ok(()));
        // No X-Guardian-Id (the default): the client checked the relation itself.
        assert_eq!(r.validate(&c, &facts(9, false, None)), Ok(()));
        let switched_on =
            AccessRules::new(Policy::from_overrides_toml("[headers]\nguardian_id = true").unwrap());
        assert_eq!(
            switched_on.validate(&c, &facts(9, false, None)),
            Err(Problem::MissingGuardianId)
        );
        let denied = |f: &Facts| match r.validate(&c, f) {
            Err(Problem::Denied { rule, .. }) => Some(rule),
            _ => None,
        };
        assert_eq!(
            denied(&facts(15, false, Some(true))),
            Some(DenialRule::GuardianOfChild13OrOlder)
        );
        assert_eq!(
            denied(&facts(9, true, Some(false))),
            Some(DenialRule::ProtectedPatientForAgentOrGuardian)
        );
        assert_eq!(
            denied(&facts(9, false, Some(false))),
            Some(DenialRule::NoGuardianRelation)
        );
    }
}
