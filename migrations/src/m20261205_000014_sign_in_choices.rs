//! An organisation chooses how its people sign in: mail-link sign-in can be switched off where
//! the organisation's own provider signs people in (admins keep it, as the way back in), and an
//! admin can test the provider without signing in as someone else: a pending sign-in remembers
//! who started it as a test, and the provider keeps the last test's outcome (what the provider
//! said and what Leerweek would have done).

use crate::util::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(id("organisations"))
                .add_column(boolean("mail_link_sign_in").default(true).to_owned())
                .to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table(id("sso_logins")).add_column(uuid("tested_by", false)).to_owned()).await?;
        m.alter_table(Table::alter().table(id("sso_providers")).add_column(instant("tested_at", false)).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(id("sso_providers"))
                .add_column(
                    text("test_result", false)
                        .check(Expr::cust("test_result IS NULL OR length(test_result) BETWEEN 2 AND 4000"))
                        .to_owned(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (t, c) in [
            ("sso_providers", "test_result"),
            ("sso_providers", "tested_at"),
            ("sso_logins", "tested_by"),
            ("organisations", "mail_link_sign_in"),
        ] {
            m.alter_table(Table::alter().table(id(t)).drop_column(id(c)).to_owned()).await?;
        }
        Ok(())
    }
}
