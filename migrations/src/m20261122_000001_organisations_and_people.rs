//! Organisations (municipalities and shared service organisations), their nested units, the
//! people who work there, the roles some of them hold, and their API tokens.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("organisations"))
                .col(pk("id"))
                .col(text("name", true))
                .col(instant("created_at", true))
                .check(check("ck_organisations_name", "length(name) BETWEEN 1 AND 200"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organisations", &["name"], true)).await?;

        m.create_table(
            Table::create()
                .table(id("org_units"))
                .col(pk("id"))
                .col(uuid("organisation_id", true))
                .col(uuid("parent_id", false))
                .col(text("name", true))
                .col(instant("created_at", true))
                .foreign_key(&mut fk("org_units", "organisation_id", "organisations", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("org_units", "parent_id", "org_units", ForeignKeyAction::Restrict))
                .check(check("ck_org_units_name", "length(name) BETWEEN 1 AND 200"))
                .to_owned(),
        )
        .await?;
        // Unit names are unique within their organisation, so an import can name them.
        m.create_index(index("org_units", &["organisation_id", "name"], true)).await?;

        m.create_table(
            Table::create()
                .table(id("people"))
                .col(pk("id"))
                .col(text("email", true))
                .col(text("name", true))
                .col(uuid("organisation_id", true))
                .col(uuid("org_unit_id", false))
                .col(uuid("manager_id", false))
                .col(text("language", true))
                .col(instant("created_at", true))
                .foreign_key(&mut fk("people", "organisation_id", "organisations", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("people", "org_unit_id", "org_units", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk("people", "manager_id", "people", ForeignKeyAction::SetNull))
                // E-mail is stored lower case: uniqueness is then case-insensitive on both backends.
                .check(check("ck_people_email_lower", "email = lower(email) AND length(email) BETWEEN 3 AND 254"))
                .check(check("ck_people_name", "length(name) BETWEEN 1 AND 200"))
                .check(check("ck_people_language", "language IN ('nl', 'en')"))
                .check(check("ck_people_not_own_manager", "manager_id IS NULL OR manager_id <> id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("people", &["email"], true)).await?;
        m.create_index(index("people", &["organisation_id", "org_unit_id"], false)).await?;
        m.create_index(index("people", &["manager_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(id("person_roles"))
                .col(uuid("person_id", true))
                .col(text("role", true))
                .col(instant("created_at", true))
                .primary_key(Index::create().col(id("person_id")).col(id("role")))
                .foreign_key(&mut fk("person_roles", "person_id", "people", ForeignKeyAction::Cascade))
                .check(check("ck_person_roles_role", "role IN ('organiser', 'manager', 'admin')"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(id("api_tokens"))
                .col(pk("id"))
                .col(uuid("person_id", true))
                .col(text("token_hash", true))
                .col(instant("created_at", true))
                .col(instant("revoked_at", false))
                .foreign_key(&mut fk("api_tokens", "person_id", "people", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("api_tokens", &["token_hash"], true)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["api_tokens", "person_roles", "people", "org_units", "organisations"] {
            m.drop_table(Table::drop().table(id(t)).to_owned()).await?;
        }
        Ok(())
    }
}
