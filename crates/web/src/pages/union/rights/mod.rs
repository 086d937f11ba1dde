//! Pages of the union's facilities, collective contracts, social-responsibility
//! assessments, the township assessment (考核激励) and leader talks. Every page reads
//! through the viewer's [`Scope`](store::union::Scope): township staff see and change only
//! their own township, and anything else answers 404.

mod contracts;
mod facilities;

use crate::access::Access::Roles;
use crate::routes::Route;
use crate::routes::roles::{UNION_CITY, UNION_READ, UNION_WRITE};

/// This area's routes, appended to the union module's.
pub fn routes() -> Vec<Route> {
    let (read, write, _city) = (Roles(UNION_READ), Roles(UNION_WRITE), Roles(UNION_CITY));
    let mut all = facilities::routes(read, write);
    all.extend(contracts::routes(read, write));
    all
}
