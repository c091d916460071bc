//! Who is asking: the signed-in person with their roles, and what they may touch.

use crate::model::Role;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisers_are_scoped_to_their_organisation() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let organiser = Actor { person_id: Uuid::from_u128(9), organisation_id: a, roles: vec![Role::Organiser] };
        assert!(organiser.organises_for(a) && !organiser.organises_for(b));
        let employee = Actor { roles: vec![], ..organiser.clone() };
        assert!(!employee.organises_for(a));
        let admin = Actor { roles: vec![Role::Admin], ..organiser };
        assert!(admin.organises_for(b));
    }
}
