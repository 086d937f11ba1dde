//! The resettlement projects' flats and choosing sessions: each project gets buildings of
//! 24 flats (enough for its households and a tenth more), storerooms and parking spaces;
//! its session commits a seed, reveals it and lets every household choose in the
//! published order — the largest vacant flat within its entitlement, or the smallest one
//! with the price difference accepted — through the same store functions the hall uses.

use anyhow::Result;
use domain::platform::SquareMetres;
use domain::relocation::{FlatKind, FlatState};
use store::Tx;
use store::relocation::Scope;
use store::relocation::choosing::choices::{self, ChoiceRequest};
use store::relocation::choosing::{self, commitment_of};
use store::relocation::flats::{self, FlatFilter, FlatPlace};

/// The layouts of a building: (unit, room, layout, area in hundredths of m², orientation).
const LAYOUTS: [(&str, &str, &str, i64, &str); 4] = [
    ("1单元", "01", "三室两厅", 11_846, "南"),
    ("1单元", "02", "三室一厅", 9_648, "南"),
    ("2单元", "01", "四室两厅", 13_680, "南"),
    ("2单元", "02", "两室一厅", 7_536, "东南"),
];
/// Floors per building.
const FLOORS: i64 = 6;

/// Puts a project's inventory in place for `households` households.
pub async fn inventory(tx: &mut Tx, actor: &str, project_id: i64, households: usize) -> Result<()> {
    let per_building = LAYOUTS.len() * usize::try_from(FLOORS).unwrap_or(6);
    let buildings = (households + households / 10).div_ceil(per_building).max(1);
    for b in 1..=buildings {
        for floor in 1..=FLOORS {
            for (unit, room, layout, area, orientation) in LAYOUTS {
                let room = format!("{floor}{room}");
                let code = format!("{b}-{}-{room}", &unit[..1]);
                let place = FlatPlace {
                    building: format!("{b}幢"),
                    unit: unit.into(),
                    floor,
                    room,
                    layout: layout.into(),
                    area: SquareMetres(area),
                    orientation: orientation.into(),
                };
                flats::upsert(
                    tx,
                    actor,
                    &Scope::All,
                    project_id,
                    &code,
                    FlatKind::Flat,
                    &place,
                )
                .await?;
            }
        }
    }
    for (kind, prefix, count, area, layout) in [
        (FlatKind::Storeroom, "储", households / 2, 1_250, "储藏室"),
        (FlatKind::Parking, "车", households / 3, 1_380, "标准车位"),
    ] {
        for i in 1..=count {
            let place = FlatPlace {
                building: "地下室".into(),
                unit: String::new(),
                floor: -1,
                room: format!("{i:03}"),
                layout: layout.into(),
                area: SquareMetres(area),
                orientation: String::new(),
            };
            let code = format!("{prefix}-{i:03}");
            flats::upsert(tx, actor, &Scope::All, project_id, &code, kind, &place).await?;
        }
    }
    Ok(())
}

/// Runs a project's session: commits and reveals `seed`, then records the choices of the
/// first `limit` households called (all when `None`), and closes it when all chose.
pub async fn session(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    seed: &str,
    limit: Option<usize>,
) -> Result<()> {
    let scope = Scope::All;
    choosing::commit(tx, actor, &scope, project_id, &commitment_of(seed)).await?;
    choosing::reveal(tx, actor, &scope, project_id, seed).await?;
    let mut made = 0;
    while limit.is_none_or(|l| made < l) {
        let series = choosing::series(&mut *tx, project_id).await?;
        let Some(current) = series.current().cloned() else {
            break;
        };
        let entitled = choices::entitlement(&mut *tx, current.household_id)
            .await?
            .map_or(SquareMetres(0), |e| e.area);
        let flats = flats::list(&mut *tx, project_id, &vacant(FlatKind::Flat)).await?;
        let within = flats
            .iter()
            .filter(|f| f.place.area <= entitled)
            .max_by_key(|f| (f.place.area, std::cmp::Reverse(f.id)));
        let Some(flat) = within.or_else(|| flats.iter().min_by_key(|f| (f.place.area, f.id)))
        else {
            break;
        };
        let storeroom = if made % 3 == 0 {
            first_vacant(tx, project_id, FlatKind::Storeroom).await?
        } else {
            None
        };
        let parking = if made % 4 == 0 {
            first_vacant(tx, project_id, FlatKind::Parking).await?
        } else {
            None
        };
        let req = ChoiceRequest {
            household_code: current.position.code.clone(),
            flat_code: flat.code.clone(),
            storeroom_code: storeroom,
            parking_code: parking,
            accept_price_difference: true,
        };
        choices::choose(tx, actor, &scope, project_id, &req).await?;
        made += 1;
    }
    if limit.is_none() {
        choosing::close(tx, actor, &scope, project_id).await?;
    }
    Ok(())
}

fn vacant(kind: FlatKind) -> FlatFilter {
    FlatFilter {
        kind: Some(kind),
        state: Some(FlatState::Vacant),
        building: None,
    }
}

/// The code of the first vacant unit of `kind`, if any is left.
async fn first_vacant(tx: &mut Tx, project_id: i64, kind: FlatKind) -> Result<Option<String>> {
    let units = flats::list(&mut *tx, project_id, &vacant(kind)).await?;
    Ok(units.into_iter().next().map(|f| f.code))
}
