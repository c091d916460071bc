//! Who is asking, and the one policy that answers every "may this actor …" question.
//!
//! The store and the api ask these methods and nothing else: a rule about who may do what is
//! written here once. The store decides what a refusal looks like (usually "not found" for what
//! the actor may not even see, "forbidden" for what they see but may not change).

use crate::model::{EventStatus, Role};
use uuid::Uuid;

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Their person id.
    pub person_id: Uuid,
    /// Their organisation.
    pub organisation_id: Uuid,
    /// Roles beyond employee.
    pub roles: Vec<Role>,
}

/// Whether an actor may see a person, as far as the person's own row tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Yes: themselves, an organiser of their organisation, their direct manager, an admin.
    Yes,
    /// Only if the person reports to the actor higher up the management chain (the actor is a
    /// manager): the caller looks the chain up.
    IfTheyReportToYou,
    /// No.
    No,
}

/// Which enrolments an actor's reports on a week count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportReach {
    /// Everyone's (admins).
    All,
    /// The people of this organisation, and the workshops it hosts (organisers).
    Organisation(Uuid),
    /// The people who report to the actor (managers).
    TheirPeople,
}

impl Actor {
    /// Holds the admin role.
    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    /// Holds the organiser role (of their own organisation).
    pub fn is_organiser(&self) -> bool {
        self.roles.contains(&Role::Organiser)
    }

    /// Holds the manager role.
    pub fn is_manager(&self) -> bool {
        self.roles.contains(&Role::Manager)
    }

    /// May organise on behalf of `organisation`: an admin, or an organiser of that organisation.
    pub fn organises_for(&self, organisation: Uuid) -> bool {
        self.is_admin() || (self.is_organiser() && self.organisation_id == organisation)
    }

    /// May organise for any of `organisations`.
    pub fn organises_any(&self, organisations: &[Uuid]) -> bool {
        self.is_admin() || organisations.iter().any(|o| self.organises_for(*o))
    }

    /// The installation's own tasks: organisations, roles and tokens, single sign-on, the mail
    /// outbox, erasure on request (admins).
    pub fn may_administer(&self) -> bool {
        self.is_admin()
    }

    /// Import people (admins, and organisers for their own organisation's rows).
    pub fn may_import_people(&self) -> bool {
        self.is_admin() || self.is_organiser()
    }

    /// See the people of an organisation and add people to it.
    pub fn may_manage_people_of(&self, organisation: Uuid) -> bool {
        self.organises_for(organisation)
    }

    /// See a week with these participating organisations in this status: its organisers and
    /// admins always, the people of a participating organisation once it is published.
    pub fn may_see_event(&self, organisations: &[Uuid], status: EventStatus) -> bool {
        if self.organises_any(organisations) {
            return true;
        }
        organisations.contains(&self.organisation_id) && status != EventStatus::Draft
    }

    /// Create a week with these organisations led by `lead`: the lead takes part, and the actor
    /// organises for it (an organiser's own organisation, or any for an admin).
    pub fn may_create_event(&self, organisations: &[Uuid], lead: Uuid) -> bool {
        organisations.contains(&lead) && self.organises_for(lead)
    }

    /// Lead a shared week led by `lead`: change its settings and its list of organisations,
    /// publish, close and archive it (the lead organisation's organisers, admins). Partners
    /// manage their own workshops ([`Actor::may_manage_workshop`]) and may leave.
    pub fn may_lead_event(&self, lead: Uuid) -> bool {
        self.organises_for(lead)
    }

    /// Hand a week's lead to another of its organisations (admins).
    pub fn may_change_lead(&self) -> bool {
        self.is_admin()
    }

    /// Take `organisation` out of a week led by `lead`: its own organisers (it leaves), the
    /// lead's organisers and admins. Whether it may go now (the lead never does; enrolments keep
    /// it) is for the store to say.
    pub fn may_remove_from_event(&self, organisation: Uuid, lead: Uuid) -> bool {
        self.organises_for(organisation) || self.may_lead_event(lead)
    }

    /// The partner organisation the actor could take out of a week led by `lead` with these
    /// organisations: their own, when it takes part and is not the lead (organisers; admins
    /// remove organisations through the list instead).
    pub fn may_leave_event(&self, organisations: &[Uuid], lead: Uuid) -> Option<Uuid> {
        let own = self.organisation_id;
        (self.is_organiser() && own != lead && organisations.contains(&own)).then_some(own)
    }

    /// Create and change a workshop hosted by `host`, its sessions, attendance and feedback
    /// results.
    pub fn may_manage_workshop(&self, host: Uuid) -> bool {
        self.organises_for(host)
    }

    /// Run a session (participant list, check-in, messages): organisers of the workshop's host,
    /// admins, and the session's trainer.
    pub fn may_run_session(&self, host: Uuid, trainer: Option<Uuid>) -> bool {
        trainer == Some(self.person_id) || self.may_manage_workshop(host)
    }

    /// See whom to ask about a session another organisation hosts: the names and addresses of
    /// its host's organisers (organisers and admins, who organise the week together).
    pub fn may_see_host_contacts(&self) -> bool {
        self.is_admin() || self.is_organiser()
    }

    /// Enrol someone else, or cancel for them at any time: organisers of the person's
    /// organisation or of the workshop's host, admins.
    pub fn may_act_for(&self, person_organisation: Uuid, host: Uuid) -> bool {
        self.organises_for(person_organisation) || self.may_act_for_everyone_at(host)
    }

    /// Enrol or cancel for anyone in a session hosted by `host`, whatever their organisation
    /// ([`Actor::may_act_for`] holds for every person): organisers of the host, admins.
    pub fn may_act_for_everyone_at(&self, host: Uuid) -> bool {
        self.organises_for(host)
    }

    /// Whether the actor may act for anyone but themselves at all: a shortcut before looking
    /// up whose enrolment it is ([`Actor::may_act_for`] decides).
    pub fn may_act_for_others(&self) -> bool {
        self.is_admin() || self.is_organiser()
    }

    /// See a person (and their enrolments), as far as their row tells.
    pub fn may_see_person(&self, person: Uuid, organisation: Uuid, manager: Option<Uuid>) -> Reach {
        if person == self.person_id || self.organises_for(organisation) || manager == Some(self.person_id) {
            Reach::Yes
        } else if self.is_manager() {
            Reach::IfTheyReportToYou
        } else {
            Reach::No
        }
    }

    /// Whose enrolments the actor's reports on a week count (`None`: employees have no reports).
    pub fn report_reach(&self) -> Option<ReportReach> {
        if self.is_admin() {
            Some(ReportReach::All)
        } else if self.is_organiser() {
            Some(ReportReach::Organisation(self.organisation_id))
        } else if self.is_manager() {
            Some(ReportReach::TheirPeople)
        } else {
            None
        }
    }

    /// See the figures per workshop and session of a week (organisers and admins).
    pub fn may_see_workshop_figures(&self) -> bool {
        self.is_admin() || self.is_organiser()
    }

    /// See the figures of the workshops `host` hosts.
    pub fn may_see_figures_of(&self, host: Uuid) -> bool {
        self.is_admin() || (self.is_organiser() && self.organisation_id == host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: Vec<Role>) -> Actor {
        Actor { person_id: Uuid::from_u128(9), organisation_id: Uuid::from_u128(1), roles }
    }

    #[test]
    fn organisers_are_scoped_to_their_organisation() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let organiser = actor(vec![Role::Organiser]);
        assert!(organiser.organises_for(a) && !organiser.organises_for(b));
        let employee = Actor { roles: vec![], ..organiser.clone() };
        assert!(!employee.organises_for(a));
        let admin = Actor { roles: vec![Role::Admin], ..organiser };
        assert!(admin.organises_for(b));
    }

    #[test]
    fn a_draft_week_is_seen_only_by_its_organisers() {
        let (own, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let employee = actor(vec![]);
        assert!(!employee.may_see_event(&[own], EventStatus::Draft));
        assert!(employee.may_see_event(&[own], EventStatus::Published));
        assert!(!employee.may_see_event(&[other], EventStatus::Published));
        assert!(actor(vec![Role::Organiser]).may_see_event(&[own], EventStatus::Draft));
        assert!(!actor(vec![Role::Organiser]).may_see_event(&[other], EventStatus::Draft));
        assert!(actor(vec![Role::Admin]).may_see_event(&[other], EventStatus::Draft));
    }

    #[test]
    fn only_the_lead_organisation_leads_a_shared_week_and_partners_may_leave() {
        let (own, lead) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let partner = actor(vec![Role::Organiser]);
        assert!(!partner.may_lead_event(lead) && partner.may_lead_event(own));
        assert!(partner.may_create_event(&[own, lead], own) && !partner.may_create_event(&[own, lead], lead));
        assert!(!partner.may_create_event(&[lead], own), "the lead takes part");
        assert_eq!(partner.may_leave_event(&[own, lead], lead), Some(own));
        assert_eq!(partner.may_leave_event(&[own, lead], own), None, "the lead does not leave");
        assert!(partner.may_remove_from_event(own, lead) && !partner.may_remove_from_event(Uuid::from_u128(3), lead));
        assert!(!partner.may_change_lead());
        let admin = actor(vec![Role::Admin]);
        assert!(admin.may_lead_event(lead) && admin.may_change_lead() && admin.may_remove_from_event(lead, lead));
        assert_eq!(actor(vec![]).may_leave_event(&[own, lead], lead), None);
    }

    #[test]
    fn a_trainer_runs_their_session_without_any_role() {
        let host = Uuid::from_u128(2);
        let trainer = actor(vec![]);
        assert!(trainer.may_run_session(host, Some(trainer.person_id)));
        assert!(!trainer.may_run_session(host, None));
        assert!(!trainer.may_manage_workshop(host));
    }

    #[test]
    fn the_hosts_organisers_act_for_everyone_in_a_session_a_partners_for_their_own_people() {
        let (own, host) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let partner = actor(vec![Role::Organiser]);
        assert!(!partner.may_act_for_everyone_at(host) && partner.may_act_for_everyone_at(own));
        assert!(partner.may_act_for(own, host) && !partner.may_act_for(host, host));
        assert!(partner.may_see_host_contacts() && !actor(vec![Role::Manager]).may_see_host_contacts());
        assert!(actor(vec![Role::Admin]).may_act_for_everyone_at(host));
    }

    #[test]
    fn people_are_seen_by_themselves_their_organisers_and_managers() {
        let (own, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let someone = Uuid::from_u128(77);
        let employee = actor(vec![]);
        assert_eq!(employee.may_see_person(employee.person_id, own, None), Reach::Yes);
        assert_eq!(employee.may_see_person(someone, own, None), Reach::No);
        assert_eq!(employee.may_see_person(someone, other, Some(employee.person_id)), Reach::Yes);
        assert_eq!(actor(vec![Role::Manager]).may_see_person(someone, other, None), Reach::IfTheyReportToYou);
        assert_eq!(actor(vec![Role::Organiser]).may_see_person(someone, own, None), Reach::Yes);
        assert_eq!(actor(vec![Role::Organiser]).may_see_person(someone, other, None), Reach::No);
    }

    #[test]
    fn report_reach_follows_the_highest_role() {
        assert_eq!(actor(vec![Role::Manager, Role::Admin]).report_reach(), Some(ReportReach::All));
        assert_eq!(
            actor(vec![Role::Manager, Role::Organiser]).report_reach(),
            Some(ReportReach::Organisation(Uuid::from_u128(1)))
        );
        assert_eq!(actor(vec![Role::Manager]).report_reach(), Some(ReportReach::TheirPeople));
        assert_eq!(actor(vec![]).report_reach(), None);
        assert!(!actor(vec![Role::Manager]).may_see_workshop_figures());
    }
}
