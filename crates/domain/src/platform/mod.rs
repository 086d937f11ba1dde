//! What both offices share: identifiers of people and organisations, masking for
//! public display, money, area and time.

pub mod account;
pub mod area;
pub mod credit_code;
pub(crate) mod identifier;
pub(crate) mod labelled;
pub mod masking;
pub mod mobile;
pub mod money;
pub mod notify;
pub mod resident_id;
pub mod role;
pub mod time;

pub use account::{Account, AccountColumns, AccountError, RelocationReach};
pub use area::{Mu, SquareMetres};
pub use credit_code::{CreditCode, CreditCodeError};
pub use mobile::{Mobile, MobileError};
pub use money::Fen;
pub use resident_id::{ResidentId, ResidentIdError, Sex};
pub use role::Role;
