//! The annual report (年鉴) of both offices, gathered from each area's year figures.
//!
//! The definitions live in `domain::yearbook`; every figure here comes from an aggregate
//! query of its own area (`union::coverage`, `union::activities`, `union::honours`,
//! `union::welfare`, `union::facilities`, `union::contracts`, `relocation::summary`,
//! `relocation::incidents`), so the report, the dashboards and the older per-area reports
//! cannot disagree. Nothing loads every row: a million members are counted by the database.

use crate::db::Db;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::relocation::{self, incidents, summary};
use crate::union::{self, activities, contracts, coverage, facilities, honours, welfare};
use domain::platform::{Account, RelocationReach};
use domain::union::township::Township;
use domain::yearbook::{
    AdvancedWorkersHomes, AnnualReport, CollegeSubsidy, Competitions, CulturalPalaces, Fraction,
    LargeEnterprises, Place, RelocationYear, UnionYear, WageContracts,
};

/// What a reader's report covers: each office's part over a scope, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The union's figures over the city or one township; `None`: no union part.
    pub union: Option<union::Scope>,
    /// The relocation figures over every town, one town, or (widened to its town) a
    /// working group's project; `None`: no relocation part.
    pub relocation: Option<relocation::Scope>,
}

impl Reach {
    /// Both offices, everywhere (the command line).
    pub fn everything() -> Reach {
        Reach {
            union: Some(union::Scope::City),
            relocation: Some(relocation::Scope::All),
        }
    }

    /// What an account's report covers: the union's part for those who read union records
    /// (township staff their township's), the headquarters' part for those who read
    /// relocation records (a commander or a working group their town's).
    pub async fn of(db: &Db, account: &Account) -> StoreResult<Reach> {
        let union = match account {
            Account::Admin | Account::UnionAdmin | Account::Inspector => Some(union::Scope::City),
            Account::UnionStaff { township } => Some(union::Scope::Township(*township)),
            _ => None,
        };
        let relocation = match account.relocation_reach() {
            RelocationReach::Nothing => None,
            _ => Some(relocation::Scope::of(db, account).await?),
        };
        Ok(Reach { union, relocation })
    }

    /// Narrowed to a township (union figures) and a town (relocation figures) where the
    /// reach is wider; a reach already narrower keeps its own (township staff cannot ask
    /// for another township).
    pub fn narrowed(self, township: Option<Township>, town: Option<String>) -> Reach {
        Reach {
            union: match (self.union, township) {
                (Some(union::Scope::City), Some(t)) => Some(union::Scope::Township(t)),
                (u, _) => u,
            },
            relocation: match (self.relocation, town) {
                (Some(relocation::Scope::All), Some(t)) => Some(relocation::Scope::Town(t)),
                (r, _) => r,
            },
        }
    }
}

/// The annual report of `year` over `reach`.
pub async fn annual(db: &Db, year: i32, reach: &Reach) -> StoreResult<AnnualReport> {
    if !(1949..=9998).contains(&year) {
        return Err(StoreError::from(Refusal::YearInvalid));
    }
    let mut place = Place::default();
    if let Some(union::Scope::Township(t)) = reach.union {
        place.township = Some(t.name().to_string());
    }
    let relocation_scope = match &reach.relocation {
        Some(scope) => Some(town_wide(db, scope).await?),
        None => None,
    };
    if let Some(relocation::Scope::Town(t)) = &relocation_scope {
        place.town = Some(t.clone());
    }
    // The two offices' figures are independent reads: each on a connection of its own.
    let (union, relocation) = futures::try_join!(
        async {
            match reach.union {
                Some(scope) => union_year(db, year, scope).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match &relocation_scope {
                Some(scope) => relocation_year(db, year, scope).await.map(Some),
                None => Ok(None),
            }
        },
    )?;
    Ok(AnnualReport {
        year,
        place,
        union,
        relocation,
    })
}

/// The union's year in `scope`.
async fn union_year(db: &Db, year: i32, scope: union::Scope) -> StoreResult<UnionYear> {
    // Independent aggregates, run side by side on the pool's connections: the report
    // takes as long as its slowest part, not their sum (bench/RESULTS.md).
    let (cov, act, hon, wel, fac, con) = futures::try_join!(
        coverage::year_figures(db, year, scope),
        activities::year_figures(db, year, scope),
        honours::year_figures(db, year, scope),
        welfare::year_figures(db, year, scope),
        facilities::year_figures(db, year, scope),
        contracts::year_figures(db, year, scope),
    )?;
    Ok(UnionYear {
        new_unions: cov.new_unions.into(),
        new_members: cov.new_members.into(),
        large_enterprises: LargeEnterprises {
            total: cov.must_enterprises.into(),
            with_union: cov.must_covered.into(),
        },
        new_unions_at_50_plus: cov.new_unions_sizeable.into(),
        township_federations_reformed: cov.reformed_federations.into(),
        online_projects: act.online_projects,
        online_participations: act.online_participations,
        competitions: Competitions {
            city: act.city_competitions,
            all_levels: act.competitions,
        },
        training_participations: act.training_participations,
        model_workers: hon.model_workers,
        zhejiang_craftsmen: hon.zhejiang_craftsmen,
        innovation_studios: hon.innovation_studios,
        pioneer_teams: hon.pioneer_teams,
        volunteer_services: act.volunteer_services,
        job_fairs: act.job_fairs,
        free_training_courses: act.free_courses,
        lehuo_events: act.cultural_events,
        college_subsidy: CollegeSubsidy {
            junior_college: wel.college_junior,
            undergraduate: wel.college_undergraduate,
        },
        advanced_workers_homes: AdvancedWorkersHomes {
            hangzhou: fac.hangzhou_advanced_homes.into(),
            jiande: fac.jiande_advanced_homes.into(),
        },
        wage_bargaining_demo_units: con.demonstration_units.into(),
        wage_contracts: WageContracts {
            signed: con.with_valid_contract.into(),
            rate: Fraction::from_basis_points(con.signing_rate_bp),
        },
        aid_disbursed_fen: wel.aid_disbursed,
        recuperation_places: wel.recuperation_places,
        health_checks: wel.health_checks,
        cultural_palaces: CulturalPalaces {
            count: fac.palaces_started.into(),
            area: fac.palaces_started_area,
            investment: fac.palaces_started_investment,
        },
    })
}

/// The headquarters' year in `scope`.
async fn relocation_year(
    db: &Db,
    year: i32,
    scope: &relocation::Scope,
) -> StoreResult<RelocationYear> {
    let (s, register) = futures::try_join!(
        summary::year_summary(db, scope, year),
        incidents::counts_for_year(db, scope, year),
    )?;
    Ok(RelocationYear {
        expropriation_projects: s.expropriation_projects,
        resettlement_projects: s.resettlement_projects,
        land_acquired_mu: s.land,
        households_expropriated: s.expropriated_households,
        enterprises_expropriated: s.enterprises,
        demolished_area_m2: s.demolished_area,
        households_resettled: s.resettled_households,
        petitions: register.petitions,
        misconduct_cases: register.misconduct_cases,
        cleared_campaigns: {
            let mut cleared: Vec<(i64, i64)> = s
                .campaigns
                .iter()
                .filter_map(|c| c.days_to_clear.map(|d| (c.households, d)))
                .collect();
            // The largest first (the campaign the yearbook names), then the quickest.
            cleared.sort_by_key(|&(households, days)| (std::cmp::Reverse(households), days));
            cleared
        },
    })
}

/// A working group's scope widened to its project's town: the yearbook is a town's, and
/// a group's members are that town's staff. Other scopes are kept.
async fn town_wide(db: &Db, scope: &relocation::Scope) -> StoreResult<relocation::Scope> {
    Ok(match scope {
        relocation::Scope::Team { project_id, .. } => {
            let town: Option<String> = query::value(
                db,
                "SELECT town FROM relocation_projects WHERE id = $1",
                &[(*project_id).into()],
            )
            .await?;
            town.map_or(relocation::Scope::Nothing, relocation::Scope::Town)
        }
        other => other.clone(),
    })
}
