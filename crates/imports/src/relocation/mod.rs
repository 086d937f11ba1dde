//! Spreadsheet imports, templates and exports of the relocation module: `households`,
//! `household-members`, `buildings`, `appraisals` and `flats`.
//!
//! Every file may carry a `项目编号` column; where it does not (or a cell is empty), the
//! project given with `--project CODE` is used. Rows are matched to records by natural
//! key (project + household code, plus the member's resident ID, the building's
//! certificate number or the appraisal item), so re-importing updates, and an export —
//! which always writes `项目编号` — re-imports to the same records.

/// Declares an importer whose rows belong to projects of its scope: the [`Context`] that
/// resolves them, the constructor, its [`Layout`](crate::engine::Layout) from the columns
/// and the template's example row, and its [`Importer`](crate::engine::Importer), which
/// prepares the context. Each importer then writes only its `apply_row`.
macro_rules! project_importer {
    ($(#[$doc:meta])* $name:ident, $columns:expr, $example:expr $(,)?) => {
        $(#[$doc])*
        #[derive(Default)]
        pub(crate) struct $name {
            ctx: $crate::relocation::Context,
        }

        impl $name {
            /// An importer that sees the projects of `scope`.
            pub(crate) fn new(scope: store::relocation::Scope) -> Self {
                Self {
                    ctx: $crate::relocation::Context::new(scope),
                }
            }
        }

        $crate::engine::layout!($name, $columns, $example);

        impl $crate::engine::Importer for $name {
            async fn prepare(
                &mut self,
                tx: &mut store::Tx,
                opts: &$crate::engine::ImportOptions,
            ) -> Result<(), $crate::engine::ImportError> {
                self.ctx.prepare(tx, opts).await
            }

            async fn apply(
                &mut self,
                tx: &mut store::Tx,
                actor: &str,
                row: &sheets::Row,
            ) -> $crate::engine::RowOutcome {
                self.apply_row(tx, actor, row).await
            }
        }
    };
}

mod details;
pub mod export;
mod flats;
mod households;

pub use export::export;

use crate::engine::Cells;
use crate::engine::{FieldError, ImportError, ImportOptions, ImportReport, Layout, run};
use crate::kind::ImportKind;
use sheets::Column;
use std::collections::HashMap;
use std::path::Path;
use store::relocation::Scope;
use store::relocation::projects::{self, Project};
use store::{Db, StoreError, Tx};

/// Header of the project column, optional in every file.
pub(crate) const PROJECT: Column = Column::optional("项目编号");
/// Header of the household code column.
pub(crate) const HOUSEHOLD: Column = Column::required("户编号").aliases(&["户号"]);

/// Runs the import of a relocation `kind` as a viewer of `scope` sees the projects (the
/// upload page): a project outside it does not exist for the import, so a row naming one
/// is rejected and `--project` naming one is a usage error.
pub(crate) async fn import(
    db: &Db,
    kind: ImportKind,
    path: &Path,
    opts: &ImportOptions,
    scope: Scope,
) -> Result<ImportReport, ImportError> {
    match kind {
        ImportKind::Households => {
            run(
                db,
                &mut households::HouseholdImporter::new(scope),
                path,
                opts,
            )
            .await
        }
        ImportKind::HouseholdMembers => {
            run(db, &mut details::MemberImporter::new(scope), path, opts).await
        }
        ImportKind::Buildings => {
            run(db, &mut details::BuildingImporter::new(scope), path, opts).await
        }
        ImportKind::Appraisals => {
            run(db, &mut details::AppraisalImporter::new(scope), path, opts).await
        }
        ImportKind::Flats => run(db, &mut flats::FlatImporter::new(scope), path, opts).await,
        other => Err(crate::union::not_here(other)),
    }
}

/// The layout (columns and example) of a relocation `kind`: templates and exports.
pub(crate) fn layout(kind: ImportKind) -> Result<Box<dyn Layout>, ImportError> {
    Ok(match kind {
        ImportKind::Households => Box::new(households::HouseholdImporter::default()),
        ImportKind::HouseholdMembers => Box::new(details::MemberImporter::default()),
        ImportKind::Buildings => Box::new(details::BuildingImporter::default()),
        ImportKind::Appraisals => Box::new(details::AppraisalImporter::default()),
        ImportKind::Flats => Box::new(flats::FlatImporter::default()),
        other => return Err(crate::union::not_here(other)),
    })
}

/// Writes the template of a relocation `kind`.
pub(crate) fn template(kind: ImportKind, out: &Path) -> Result<(), ImportError> {
    Ok(crate::engine::template(layout(kind)?.as_ref(), out)?)
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
    pub(crate) fn project(&self, row: &Cells<'_>) -> Result<Project, FieldError> {
        let code = row.text(PROJECT);
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
        row: Cells<'_>,
        column: Column,
        value: &str,
    ) -> Result<(), FieldError> {
        match self.seen.get(&key) {
            Some(first) => Err(FieldError::new(
                column,
                value,
                format!("与第 {first} 行重复"),
            )),
            None => {
                self.seen.insert(key, row.excel_row());
                Ok(())
            }
        }
    }
}

/// The household of a row, by project and `户编号`.
pub(crate) async fn household_of(
    tx: &mut Tx,
    project: &Project,
    row: &Cells<'_>,
) -> Result<Result<i64, FieldError>, StoreError> {
    let code = row.text(HOUSEHOLD);
    if code.is_empty() {
        return Ok(Err(FieldError::new(HOUSEHOLD, "", "户编号不能为空")));
    }
    Ok(
        store::relocation::households::id_by_code(tx, project.id, &code)
            .await?
            .ok_or_else(|| FieldError::new(HOUSEHOLD, code, "本项目中没有此户，请先导入户信息")),
    )
}

/// A store refusal of a valid-looking row, reported against `column` instead of failing
/// the whole import.
pub(crate) fn refused(
    e: StoreError,
    column: Column,
    value: &str,
) -> Result<Vec<FieldError>, StoreError> {
    match e {
        e if e.is_refusal() => Ok(vec![FieldError::new(column, value, e.to_string())]),
        StoreError::Conflict(m) => Ok(vec![FieldError::new(column, value, m)]),
        StoreError::NotFound => Ok(vec![FieldError::new(column, value, "记录不存在")]),
        other => Err(other),
    }
}
