//! Spreadsheet imports, templates and exports of the relocation module: `households`,
//! `household-members`, `buildings` and `appraisals`.
//!
//! Every file may carry a `项目编号` column; where it does not (or a cell is empty), the
//! project given with `--project CODE` is used. Rows are matched to records by natural
//! key (project + household code, plus the member's resident ID, the building's
//! certificate number or the appraisal item), so re-importing updates, and an export —
//! which always writes `项目编号` — re-imports to the same records.

mod details;
mod households;

use super::Scope;
use super::projects::{self, Project};
use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::platform::import::{
    FieldError, ImportError, ImportOptions, ImportReport, Layout, run, template as write_template,
};
use sheets::{Row, SheetWriter};
use std::collections::HashMap;
use std::path::Path;

/// The kinds this module imports and exports.
pub const KINDS: &[&str] = &["households", "household-members", "buildings", "appraisals"];

/// Header of the project column, optional in every file.
pub(crate) const PROJECT: &str = "项目编号";
/// Header of the household code column.
pub(crate) const HOUSEHOLD: &str = "户编号";

/// Runs the import of `kind` for the whole city (the command line), if it is one of this
/// module's.
pub async fn import(
    db: &Db,
    kind: &str,
    path: &Path,
    opts: &ImportOptions,
) -> Option<Result<ImportReport, ImportError>> {
    import_scoped(db, kind, path, opts, Scope::All).await
}

/// Runs the import of `kind` as a viewer of `scope` sees the projects (the upload page):
/// a project outside it does not exist for the import, so a row naming one is rejected
/// and `--project` naming one is a usage error.
pub async fn import_scoped(
    db: &Db,
    kind: &str,
    path: &Path,
    opts: &ImportOptions,
    scope: Scope,
) -> Option<Result<ImportReport, ImportError>> {
    Some(match kind {
        "households" => {
            run(
                db,
                &mut households::HouseholdImporter::new(scope),
                path,
                opts,
            )
            .await
        }
        "household-members" => run(db, &mut details::MemberImporter::new(scope), path, opts).await,
        "buildings" => run(db, &mut details::BuildingImporter::new(scope), path, opts).await,
        "appraisals" => run(db, &mut details::AppraisalImporter::new(scope), path, opts).await,
        _ => return None,
    })
}

/// Writes the template of `kind`, if it is one of this module's.
pub fn template(kind: &str, out: &Path) -> Option<Result<(), ImportError>> {
    let written = match kind {
        "households" => write_template(&households::HouseholdImporter::default(), out),
        "household-members" => write_template(&details::MemberImporter::default(), out),
        "buildings" => write_template(&details::BuildingImporter::default(), out),
        "appraisals" => write_template(&details::AppraisalImporter::default(), out),
        _ => return None,
    };
    Some(written.map_err(ImportError::from))
}

/// Exports every record of `kind`, if it is one of this module's.
pub async fn export(db: &Db, kind: &str, out: &Path) -> Option<Result<u64, ImportError>> {
    let rows = match kind {
        "households" => households::export_rows(db).await,
        "household-members" => details::member_rows(db).await,
        "buildings" => details::building_rows(db).await,
        "appraisals" => details::appraisal_rows(db).await,
        _ => return None,
    };
    let headers: Vec<&str> = match kind {
        "households" => households::HouseholdImporter::default()
            .columns()
            .iter()
            .map(|c| c.name)
            .collect(),
        "household-members" => details::MemberImporter::default()
            .columns()
            .iter()
            .map(|c| c.name)
            .collect(),
        "buildings" => details::BuildingImporter::default()
            .columns()
            .iter()
            .map(|c| c.name)
            .collect(),
        _ => details::AppraisalImporter::default()
            .columns()
            .iter()
            .map(|c| c.name)
            .collect(),
    };
    Some(write_rows(&headers, rows, out))
}

fn write_rows(
    headers: &[&str],
    rows: Result<Vec<Vec<String>>, StoreError>,
    out: &Path,
) -> Result<u64, ImportError> {
    let rows = rows?;
    let mut w = SheetWriter::new(headers)?;
    for r in &rows {
        w.write_row(r)?;
    }
    w.finish(out)?;
    Ok(rows.len() as u64)
}

/// What every importer of this module shares: the projects by code that the scope sees,
/// the default project from `--project`, and the keys already seen in the file (a key
/// twice in one file is a mistake, not an update).
pub(crate) struct Context {
    scope: Scope,
    projects: HashMap<String, Project>,
    default: Option<String>,
    seen: HashMap<String, usize>,
}

/// Without a scope an importer sees no project: templates and exports need only its
/// columns, and an import that forgot its scope must not see the whole city.
impl Default for Context {
    fn default() -> Context {
        Context::new(Scope::Nothing)
    }
}

impl Context {
    /// A context that sees the projects of `scope`.
    pub(crate) fn new(scope: Scope) -> Context {
        Context {
            scope,
            projects: HashMap::new(),
            default: None,
            seen: HashMap::new(),
        }
    }

    /// The scope the rows are written in.
    pub(crate) fn scope(&self) -> &Scope {
        &self.scope
    }

    /// What a project outside the scope is called: to a town's commander it may exist
    /// elsewhere, and the import must not tell which.
    fn unknown_project(&self) -> &'static str {
        match self.scope {
            Scope::All => "项目不存在",
            _ => "项目不存在或不属于本镇",
        }
    }

    /// Loads the projects the scope sees; an unknown `--project` is a usage error.
    pub(crate) async fn prepare(
        &mut self,
        tx: &mut Tx,
        opts: &ImportOptions,
    ) -> Result<(), ImportError> {
        self.projects.clear();
        self.seen.clear();
        // Projects are few; reading them through the pool inside the import's transaction
        // would deadlock on SQLite, so they are read with the transaction itself.
        for p in projects::all_in(tx).await? {
            if self.scope.sees_project(p.id, &p.town) {
                self.projects.insert(p.code.clone(), p);
            }
        }
        self.default = match opts
            .project
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(code) if self.projects.contains_key(code) => Some(code.to_string()),
            Some(code) => {
                return Err(ImportError::Usage(format!(
                    "{}：{code}",
                    self.unknown_project()
                )));
            }
            None => None,
        };
        Ok(())
    }

    /// The row's project: its `项目编号` cell, else `--project`.
    pub(crate) fn project(&self, row: &Row, column: usize) -> Result<Project, FieldError> {
        let code = row.text(column);
        let code = if code.is_empty() {
            self.default.clone().unwrap_or_default()
        } else {
            code
        };
        if code.is_empty() {
            return Err(FieldError::new(
                PROJECT,
                "",
                "缺少项目编号（文件无此列时请指定项目：命令行用 --project，上传页选择项目）",
            ));
        }
        self.projects
            .get(&code)
            .cloned()
            .ok_or_else(|| FieldError::new(PROJECT, code, self.unknown_project()))
    }

    /// Registers a natural key; the error names the earlier row with the same key.
    pub(crate) fn first_time(
        &mut self,
        key: String,
        row: &Row,
        column: &'static str,
        value: &str,
    ) -> Result<(), FieldError> {
        match self.seen.get(&key) {
            Some(first) => Err(FieldError::new(
                column,
                value,
                format!("与第 {first} 行重复"),
            )),
            None => {
                self.seen.insert(key, row.excel_row);
                Ok(())
            }
        }
    }
}

/// The household of a row, by project and `户编号`.
pub(crate) async fn household_of(
    tx: &mut Tx,
    project: &Project,
    row: &Row,
    column: usize,
) -> Result<Result<i64, FieldError>, StoreError> {
    let code = row.text(column);
    if code.is_empty() {
        return Ok(Err(FieldError::new(HOUSEHOLD, "", "户编号不能为空")));
    }
    Ok(super::households::id_by_code(tx, project.id, &code)
        .await?
        .ok_or_else(|| FieldError::new(HOUSEHOLD, code, "本项目中没有此户，请先导入户信息")))
}

/// A store refusal of a valid-looking row, reported against `column` instead of failing
/// the whole import.
pub(crate) fn refused(
    e: StoreError,
    column: &'static str,
    value: &str,
) -> Result<Vec<FieldError>, StoreError> {
    match e {
        StoreError::Rule(m) | StoreError::Conflict(m) => {
            Ok(vec![FieldError::new(column, value, m)])
        }
        StoreError::NotFound => Ok(vec![FieldError::new(column, value, "记录不存在")]),
        other => Err(other),
    }
}
