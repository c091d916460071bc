//! Certificates of attendance (issue 26).
//!
//! - `certificates`: one row per certificate issued for a seat whose attendance was present.
//!   What it says is kept as it was issued (name, workshop, week, host, trainer, time, skills),
//!   so it survives renames and the week's archiving. `code` (12 characters of Crockford base
//!   32) verifies it at the public address; `status_list`/`status_index` is its bit in the
//!   Bitstring Status List that tells other systems whether it was revoked. At most one
//!   certificate of an enrolment is not revoked (a corrected attendance revokes it; attending
//!   after all gives a new one).
//! - `credential_keys`: the Ed25519 keys (32-byte seeds, base64url) that sign the Open Badges
//!   credentials; number 1 is made on first use. A retired key still verifies what it signed.

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(id("certificates"))
                .col(pk("id"))
                .col(uuid("enrolment_id", true))
                .col(uuid("person_id", true))
                .col(uuid("session_id", true))
                .col(text("code", true))
                .col(int("status_list", true))
                .col(int("status_index", true))
                .col(text("person_name", true))
                .col(text("workshop_title", true))
                .col(text("event_name", true))
                .col(text("host_organisation", true))
                .col(text("trainer", false))
                .col(instant("starts_at", true))
                .col(instant("ends_at", true))
                .col(int("minutes", true))
                .col(text("skills", true))
                .col(instant("issued_at", true))
                .col(instant("revoked_at", false))
                .col(uuid("revoked_by", false))
                .col(text("revoked_reason", false))
                .foreign_key(&mut fk("certificates", "enrolment_id", "enrolments", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("certificates", "person_id", "people", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("certificates", "session_id", "sessions", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("certificates", "revoked_by", "people", ForeignKeyAction::SetNull))
                .check(check("ck_certificates_code", "length(code) = 12"))
                .check(check("ck_certificates_status", "status_list >= 1 AND status_index BETWEEN 0 AND 131071"))
                .check(check("ck_certificates_minutes", "minutes >= 0"))
                .check(check(
                    "ck_certificates_revoked",
                    "revoked_at IS NOT NULL OR (revoked_by IS NULL AND revoked_reason IS NULL)",
                ))
                .check(check("ck_certificates_reason", "revoked_reason IS NULL OR length(revoked_reason) <= 500"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("certificates", &["code"], true)).await?;
        m.create_index(index("certificates", &["status_list", "status_index"], true)).await?;
        m.create_index(index("certificates", &["person_id"], false)).await?;
        m.create_index(index("certificates", &["session_id"], false)).await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_certificates_valid ON certificates (enrolment_id) WHERE revoked_at IS NULL",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(id("credential_keys"))
                .col(ColumnDef::new(id("number")).integer().not_null().primary_key())
                .col(text("seed", true))
                .col(instant("created_at", true))
                .col(instant("retired_at", false))
                .check(check("ck_credential_keys_number", "number >= 1"))
                .check(check("ck_credential_keys_seed", "length(seed) = 43"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(id("credential_keys")).to_owned()).await?;
        m.drop_table(Table::drop().table(id("certificates")).to_owned()).await
    }
}
