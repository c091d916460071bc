//! Row of `sso_providers`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub allowed_domains: String,
    pub create_people: bool,
    pub enabled: bool,
    pub trust_email: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub tested_at: Option<DateTimeUtc>,
    pub test_result: Option<String>,
}

// By hand: the client secret never reaches a log.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("sso_provider::Model")
            .field("organisation_id", &self.organisation_id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("allowed_domains", &self.allowed_domains)
            .field("create_people", &self.create_people)
            .field("enabled", &self.enabled)
            .field("trust_email", &self.trust_email)
            .field("tested_at", &self.tested_at)
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
