//! Care in the demo's 2019 campaign (YCQ2019-01): the households of 杨村桥村 that vacated
//! are given temporary housing (过渡安置) from the day they vacated, with help moving, and
//! the town's cadres harvest the crops (青苗) of the 十里埠 fields before the land is
//! cleared. Written from the plan alone, without the random generator, so the rest of
//! the demo (and its figures) is unchanged.

use super::generate::Spec;
use anyhow::Result;
use chrono::{Days, Months};
use domain::relocation::{CareKind, TemporaryHousing};
use store::Tx;
use store::relocation::{Scope, care};

/// The village whose households wait in temporary housing.
const VILLAGE: &str = "杨村桥村";
/// Months of transition subsidy granted with each stay: the flats are promised in 18.
const MONTHS: u32 = 18;
/// How many households' fields the cadres harvest.
const HARVESTED: usize = 6;

/// Writes the campaign's care records for `specs`, whose household ids are `ids`.
pub async fn fill(tx: &mut Tx, actor: &str, specs: &[Spec], ids: &[i64]) -> Result<()> {
    let scope = Scope::All;
    let mut room = 0;
    for (s, id) in specs.iter().zip(ids) {
        let Some((vacated, _, _)) = s.dates[1] else {
            continue;
        };
        if s.village == VILLAGE {
            room += 1;
            let until = vacated
                .checked_add_months(Months::new(MONTHS))
                .unwrap_or(vacated);
            let stay = TemporaryHousing::new(
                &format!("杨村桥镇过渡周转房{room}号"),
                vacated,
                until,
                MONTHS,
            )?;
            care::save_stay(tx, actor, &scope, *id, None, &stay, "").await?;
            care::add_action(
                tx,
                actor,
                &scope,
                *id,
                CareKind::Moving,
                vacated,
                "征收组、村两委",
                "帮助搬入过渡周转房",
                vacated,
            )
            .await?;
        }
    }
    for (s, id) in specs.iter().zip(ids).take(HARVESTED) {
        let Some((signed, _, _)) = s.dates[0] else {
            continue;
        };
        let on = signed.checked_add_days(Days::new(1)).unwrap_or(signed);
        care::add_action(
            tx,
            actor,
            &scope,
            *id,
            CareKind::Harvest,
            on,
            "镇机关干部",
            "抢收十里埠地块青苗",
            on,
        )
        .await?;
    }
    Ok(())
}
