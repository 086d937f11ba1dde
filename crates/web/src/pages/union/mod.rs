//! Pages and API of the union module.

use crate::routes::Route;
use domain::platform::Role;

/// This module's routes.
pub fn routes() -> Vec<Route> {
    vec![]
}

/// Navigation entries of this module for a role.
pub fn nav(_role: Role) -> Vec<(&'static str, &'static str)> {
    vec![]
}
