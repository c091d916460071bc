//! Paging of lists: `?page=` (from 1) and `?per_page=`, checked here before they reach a query,
//! so that no page number can make `(page − 1) × per_page` overflow.

use crate::problem::ApiError;

/// The highest page number anyone may ask for. With at most 1,000 rows per page the offset
/// stays below 10⁹, far inside SQL's BIGINT.
pub const MAX_PAGE: u64 = 1_000_000;

/// `(page, per_page)` from the query: `page` 1–[`MAX_PAGE`] (default 1), `per_page`
/// 1–`max_per_page` (default `default_per_page`); otherwise a 400 naming the parameter.
pub fn check(
    page: Option<u64>,
    per_page: Option<u64>,
    default_per_page: u64,
    max_per_page: u64,
) -> Result<(u64, u64), ApiError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(default_per_page);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(ApiError::InvalidQuery {
            field: "page".into(),
            detail: format!("must be between 1 and {MAX_PAGE}"),
        });
    }
    if !(1..=max_per_page).contains(&per_page) {
        return Err(ApiError::InvalidQuery {
            field: "per_page".into(),
            detail: format!("must be between 1 and {max_per_page}"),
        });
    }
    Ok((page, per_page))
}

/// The longest search text a list accepts.
pub const MAX_SEARCH: usize = 200;

/// A search text from the query: blank is no search; over [`MAX_SEARCH`] characters a 400
/// naming the parameter.
pub fn search(field: &str, q: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(q) = q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()) else { return Ok(None) };
    if q.chars().count() > MAX_SEARCH {
        return Err(ApiError::InvalidQuery {
            field: field.into(),
            detail: format!("must be at most {MAX_SEARCH} characters"),
        });
    }
    Ok(Some(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_on_both_sides() {
        assert_eq!(check(None, None, 50, 500).unwrap(), (1, 50));
        assert_eq!(check(Some(MAX_PAGE), Some(500), 50, 500).unwrap(), (MAX_PAGE, 500));
        for (page, per_page) in [(0, 10), (MAX_PAGE + 1, 10), (u64::MAX, 10), (1, 0), (1, 501), (1, u64::MAX)] {
            assert!(check(Some(page), Some(per_page), 50, 500).is_err(), "{page} {per_page}");
        }
    }
}
