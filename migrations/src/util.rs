//! Small helpers so that every migration spells columns the same way on both backends.

use sea_orm_migration::prelude::*;

/// An identifier.
pub fn id(name: &str) -> DynIden {
    name.to_owned().into()
}

/// A UUID primary key.
pub fn pk(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).uuid().not_null().primary_key().to_owned()
}

/// A UUID column, required or optional.
pub fn uuid(name: &str, required: bool) -> ColumnDef {
    let mut c = ColumnDef::new(id(name));
    c.uuid();
    if required {
        c.not_null()
    } else {
        c.null()
    };
    c
}

/// A text column, required or optional.
pub fn text(name: &str, required: bool) -> ColumnDef {
    let mut c = ColumnDef::new(id(name));
    c.text();
    if required {
        c.not_null()
    } else {
        c.null()
    };
    c
}

/// An integer column, required or optional.
pub fn int(name: &str, required: bool) -> ColumnDef {
    let mut c = ColumnDef::new(id(name));
    c.integer();
    if required {
        c.not_null()
    } else {
        c.null()
    };
    c
}

/// A big integer column, required or optional.
pub fn bigint(name: &str, required: bool) -> ColumnDef {
    let mut c = ColumnDef::new(id(name));
    c.big_integer();
    if required {
        c.not_null()
    } else {
        c.null()
    };
    c
}

/// A UTC instant, required or optional.
pub fn instant(name: &str, required: bool) -> ColumnDef {
    let mut c = ColumnDef::new(id(name));
    c.timestamp_with_time_zone();
    if required {
        c.not_null()
    } else {
        c.null()
    };
    c
}

/// A calendar date.
pub fn date(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).date().not_null().to_owned()
}

/// A named check constraint.
pub fn check(name: &str, sql: &str) -> Check {
    Check::named(id(name), Expr::cust(sql.to_owned()))
}

/// A foreign key from `table.column` to `target(id)`.
pub fn fk(table: &str, column: &str, target: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(id(table), id(column))
        .to(id(target), id("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// A plain index.
pub fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("{}_{}_{}", if unique { "ux" } else { "ix" }, table, columns.join("_"))).table(id(table));
    for c in columns {
        i.col(id(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

/// A required boolean column.
pub fn boolean(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).boolean().not_null().to_owned()
}
