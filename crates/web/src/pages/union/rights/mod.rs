//! Pages of the union's facilities, collective contracts, social-responsibility
//! assessments, the township assessment (考核激励) and leader talks. Every page reads
//! through the viewer's [`Scope`](store::union::Scope): township staff see and change only
//! their own township, and anything else answers 404.

mod contracts;
mod facilities;
mod oversight;
mod responsibility;

use crate::access::Access::Roles;
use crate::routes::Route;
use crate::routes::roles::{UNION_CITY, UNION_READ, UNION_WRITE};

/// This area's routes, appended to the union module's.
pub fn routes() -> Vec<Route> {
    let (read, write, city) = (Roles(UNION_READ), Roles(UNION_WRITE), Roles(UNION_CITY));
    let mut all = facilities::routes(read, write);
    all.extend(contracts::routes(read, write));
    all.extend(oversight::routes(read, write, city));
    all.extend(responsibility::routes(read, write));
    all
}

/// The ranking's lines as cells with each township's assessment score appended (the
/// ranking page's extra column).
pub(crate) fn scored_rows(
    weights: &domain::union::assessment::AssessmentWeights,
    ranked: &[domain::union::coverage::RankedTownship],
) -> Vec<Vec<String>> {
    ranked
        .iter()
        .map(|r| {
            let mut cells = store::union::coverage::ranking_cells(r);
            cells.push(domain::union::assessment::format_score(
                weights.score(&r.coverage),
            ));
            cells
        })
        .collect()
}
