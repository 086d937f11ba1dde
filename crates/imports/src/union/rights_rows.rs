//! What the `facilities` and `contracts` imports share: the lookup of an enterprise in
//! scope by its credit code.

use crate::engine::{Cells, FieldError};
use domain::platform::CreditCode;
use sheets::Column;
use std::collections::HashMap;
use store::Tx;
use store::union::{Scope, for_imports};

/// The enterprise id of the credit code in the cell, if registered inside `scope`; an
/// enterprise of another township reads as unregistered.
pub(crate) fn enterprise_in_scope(
    row: &Cells<'_>,
    column: Column,
    registered: &HashMap<String, (i64, String)>,
    scope: Scope,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let text = row.text(column);
    match CreditCode::parse(&text) {
        Ok(code) => match registered.get(code.as_str()) {
            Some((id, township)) if scope.allows_code(Some(township)) => Some(*id),
            _ => {
                errors.push(FieldError::new(
                    column,
                    text,
                    "该统一社会信用代码的企业未登记",
                ));
                None
            }
        },
        Err(e) => {
            errors.push(FieldError::new(column, text, e.to_string()));
            None
        }
    }
}

/// Registered enterprises by credit code: (id, township code), read once per import.
pub(crate) async fn registered_enterprises(
    tx: &mut Tx,
) -> Result<HashMap<String, (i64, String)>, store::StoreError> {
    Ok(for_imports::enterprises(tx)
        .await?
        .into_iter()
        .map(|e| (e.credit_code, (e.id, e.township)))
        .collect())
}
