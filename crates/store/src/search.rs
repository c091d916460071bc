//! Searching text columns the same way on both backends: case-insensitive "contains", with the
//! searcher's `%` and `_` taken literally.

use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr, SimpleExpr};

/// The longest search text honoured; longer text is cut (nothing that long is a name or address).
pub const MAX_SEARCH: usize = 200;

/// The pattern of "contains `q`", lower case, or `None` when `q` is blank.
pub(crate) fn pattern(q: Option<&str>) -> Option<String> {
    let q = q?.trim();
    if q.is_empty() {
        return None;
    }
    let q: String = q.chars().take(MAX_SEARCH).collect::<String>().to_lowercase();
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Some(format!("%{escaped}%"))
}

/// `lower(column) LIKE pattern` (a pattern from [`pattern`]).
pub(crate) fn contains(column: impl IntoColumnRef, pattern: &str) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_lower_case_and_literal() {
        assert_eq!(pattern(Some("  ")), None);
        assert_eq!(pattern(None), None);
        assert_eq!(pattern(Some(" Wies ")).as_deref(), Some("%wies%"));
        assert_eq!(pattern(Some("50%_a\\")).as_deref(), Some("%50\\%\\_a\\\\%"));
    }
}
