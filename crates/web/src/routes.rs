//! The route table: every method and path the server answers, read off the same declarations
//! that build the router. The authorization matrix test (crates/testkit/tests/authz_matrix.rs)
//! walks it, so a route added without a row of expected access fails that test instead of
//! shipping unchecked.

/// One route: the HTTP method and the path as registered (`/api/v1/cases/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteRow {
    pub method: &'static str,
    pub path: String,
}

/// Adds the row of one method-router call (`get`, `post`, …); other calls of the chain
/// (`.layer(…)`) are not methods and add nothing.
pub fn record(table: &mut Vec<RouteRow>, prefix: &str, path: &str, call: &str) {
    let method = match call {
        "get" => "GET",
        "post" => "POST",
        "put" => "PUT",
        "patch" => "PATCH",
        "delete" => "DELETE",
        _ => return,
    };
    table.push(RouteRow {
        method,
        path: format!("{prefix}{path}"),
    });
}

/// Builds a `Router` and its route table from one list:
/// `routes! { "/cases" => get(list).post(create), "/cases/{id}" => get(one) }` returns
/// `(Router, Vec<RouteRow>)`. Method routers are written as a chain starting with a method
/// function (`get`, `post`, `put`, `patch`, `delete`), optionally ending with `.layer(…)`.
macro_rules! routes {
    ($( $path:literal => $m0:ident ( $($a0:tt)* ) $( . $m:ident ( $($a:tt)* ) )* ),* $(,)?) => {{
        let mut router = ::axum::Router::new();
        let mut table: Vec<$crate::routes::RouteRow> = Vec::new();
        $(
            router = router.route($path, $m0($($a0)*) $( . $m($($a)*) )*);
            $crate::routes::record(&mut table, "", $path, stringify!($m0));
            $( $crate::routes::record(&mut table, "", $path, stringify!($m)); )*
        )*
        (router, table)
    }};
}
pub(crate) use routes;

/// Every route the server answers, API and pages, sorted.
pub fn table() -> Vec<RouteRow> {
    let mut all = Vec::new();
    for row in crate::api::v1_routes().1 {
        all.push(RouteRow {
            method: row.method,
            path: format!("/api/v1{}", row.path),
        });
    }
    all.extend(crate::api::root_routes().1);
    all.extend(crate::pages::routes().1);
    all.extend(crate::assets::routes().1);
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_knows_every_kind_of_route() {
        let t = table();
        let has = |m: &str, p: &str| t.iter().any(|r| r.method == m && r.path == p);
        assert!(has("GET", "/healthz"));
        assert!(has("POST", "/api/v1/cases/{id}/actions/{action}"));
        assert!(has("DELETE", "/api/v1/tokens/{id}"));
        assert!(has("POST", "/businesses/import"), "merged page groups");
        assert!(has("GET", "/verify/{code}"));
        assert!(has("GET", "/assets/{*path}"));
        // `.layer(…)` is not a method.
        assert!(t.iter().all(|r| r.method != "LAYER"));
        let mut unique = t.clone();
        unique.dedup();
        assert_eq!(unique.len(), t.len(), "a route is declared twice");
    }
}
