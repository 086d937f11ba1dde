//! The command line: one typed configuration, read from flags and the environment.

use crate::output::out;
use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use domain::platform::Role;
use imports::{ImportError, ImportKind, ImportOptions, ImportScope};
use std::net::SocketAddr;
use std::path::PathBuf;
use store::Db;
use store::platform::users;

/// groundwork — 建德市总工会与征收安置指挥部工作平台
#[derive(Parser, Debug)]
#[command(name = "groundwork", version, about)]
pub struct Cli {
    /// Database URL: `sqlite://FILE` (created if missing) or `postgres://…`.
    #[arg(long, global = true, env = "GROUNDWORK_DB")]
    pub db: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web application.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "GROUNDWORK_BIND")]
        bind: SocketAddr,
        /// Mark cookies `Secure` (when served behind HTTPS).
        #[arg(long, env = "GROUNDWORK_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Where notifications go (the delivery worker runs inside the server).
        #[command(flatten)]
        notify: crate::notifications::NotifyArgs,
    },
    /// Create a fresh demo database with the 2019 scenario and serve it.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Fill the database and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Import a spreadsheet (.xlsx, .xls, .csv) of KIND; atomic unless --skip-invalid.
    Import {
        /// What the file holds.
        #[arg(value_parser = KindParser)]
        kind: ImportKind,
        /// The file.
        file: PathBuf,
        /// Validate and report without writing.
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows even if some rows are invalid.
        #[arg(long)]
        skip_invalid: bool,
        /// Write rejected rows, with a reason column, to this .xlsx file.
        #[arg(long)]
        rejects: Option<PathBuf>,
        /// Output format: text or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Project code, for relocation files without a 项目编号 column.
        #[arg(long)]
        project: Option<String>,
    },
    /// Export every record of KIND to an .xlsx file that re-imports to the same records.
    Export {
        /// What to export.
        #[arg(value_parser = KindParser)]
        kind: ImportKind,
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the empty import template of KIND, with one example row.
    Template {
        /// Which template.
        #[arg(value_parser = KindParser)]
        kind: ImportKind,
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print or write a report computed from the records.
    Report {
        /// Which report.
        name: String,
        #[command(flatten)]
        args: crate::reports::ReportArgs,
    },
    /// Queue, list, retry or cancel notifications (the server's worker sends them).
    Notify {
        #[command(subcommand)]
        action: crate::notifications::NotifyAction,
    },
    /// Copy the whole database to a file.
    Backup {
        /// Where to write the copy.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `groundwork user …`
#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Add a user.
    Add {
        /// Login name.
        username: String,
        /// Role: admin, union_admin, union_staff, relocation_commander, relocation_staff, inspector, member.
        #[arg(long)]
        role: String,
        /// Display name (defaults to the login name).
        #[arg(long)]
        name: Option<String>,
        /// Password (or environment GROUNDWORK_PASSWORD).
        #[arg(long, env = "GROUNDWORK_PASSWORD")]
        password: String,
        /// Township, for union_staff.
        #[arg(long)]
        township: Option<String>,
        /// Town, for relocation_commander.
        #[arg(long)]
        town: Option<String>,
        /// Team id, for relocation_staff.
        #[arg(long)]
        team: Option<i64>,
        /// Resident ID, for members.
        #[arg(long)]
        resident_id: Option<String>,
    },
    /// List users.
    List,
    /// Set a user's password.
    Passwd {
        /// Login name.
        username: String,
        /// New password (or environment GROUNDWORK_PASSWORD).
        #[arg(long, env = "GROUNDWORK_PASSWORD")]
        password: String,
    },
    /// Disable a user (ends their sessions, revokes their API tokens).
    Disable {
        /// Login name.
        username: String,
    },
    /// List a user's API tokens, create one, or revoke one.
    Tokens {
        /// Login name.
        username: String,
        /// Revoke the token with this id.
        #[arg(long, conflicts_with = "create")]
        revoke: Option<i64>,
        /// Create a token with this label (for an integration) and print it once: only
        /// its digest is kept.
        #[arg(long, value_name = "LABEL")]
        create: Option<String>,
    },
}

/// `groundwork audit …`
#[derive(Subcommand, Debug)]
pub enum AuditAction {
    /// Check the hash chain and the records against it; exit 1 naming the first problem.
    /// By default only what changed since the last successful check (the entries after
    /// it and the records they touched); `--full` checks everything.
    Verify {
        /// Also check that the chain still holds the head written by `audit anchor`.
        #[arg(long)]
        anchor: Option<PathBuf>,
        /// Check the whole chain and every record, not only what changed since the last
        /// successful check.
        #[arg(long)]
        full: bool,
    },
    /// Write the chain's head (sequence, hash, time) as JSON, to keep outside the database.
    Anchor {
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Who the command line acts as in the audit log.
const CLI_ACTOR: &str = "cli";

/// The database URL: flag, environment, or the default file.
fn db_url(cli: &Option<String>, default_file: &str) -> String {
    cli.clone()
        .unwrap_or_else(|| format!("sqlite://{default_file}"))
}

/// Runs a command; returns the process exit code.
pub async fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Serve {
            bind,
            secure_cookies,
            notify,
        } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            let settings = notify.settings();
            let mut state = web::AppState::new(db.clone());
            state.secure_cookies = secure_cookies;
            state.notify_settings = std::sync::Arc::new(settings.masked());
            let worker = if notify.no_notify_worker {
                None
            } else {
                Some(crate::notifications::spawn_worker(&db, settings)?)
            };
            eprintln!("groundwork 已启动：http://{bind}/");
            let served = web::serve(state, bind).await.context("服务启动失败");
            if let Some((stop, handle)) = worker {
                let _ = stop.send(());
                let _ = handle.await;
            }
            served?;
            db.close().await;
            Ok(0)
        }
        Command::Demo { bind, no_serve } => {
            let url = db_url(&cli.db, "demo.db");
            let db = crate::demo::fresh(&url).await?;
            let logins = crate::demo::fill(&db).await?;
            out!("演示数据库：{url}");
            out!("演示账号（用户名 / 密码 / 角色）：");
            for (user, password, role) in &logins {
                out!("  {user:<14} {password:<14} {}", role.label());
            }
            if no_serve {
                return Ok(0);
            }
            out!("请打开：http://{bind}/");
            web::serve(web::AppState::new(db.clone()), bind)
                .await
                .context("服务启动失败")?;
            db.close().await;
            Ok(0)
        }
        Command::Migrate => {
            let db = Db::connect_without_migrating(&db_url(&cli.db, "groundwork.db")).await?;
            let applied = store::migrate::run(&db).await?;
            out!("已应用迁移：{applied:?}");
            Ok(0)
        }
        Command::User { action } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            user(&db, action).await
        }
        Command::Audit {
            action: AuditAction::Verify { anchor, full },
        } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            let kept: Option<store::audit::Anchor> = match &anchor {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("无法读取锚点文件 {}", path.display()))?;
                    Some(
                        serde_json::from_str(&text)
                            .with_context(|| format!("锚点文件 {} 格式不正确", path.display()))?,
                    )
                }
                None => None,
            };
            // Before verifying, so a run that fails here records no verified prefix.
            if let Some(a) = &kept
                && !store::audit::holds(&db, a).await?
            {
                out!(
                    "审计校验失败：锚点记录的第 {} 条日志（{}）已不在审计链中或已被改动，其后的变更可能被删除",
                    a.sequence,
                    a.anchored_at
                );
                return Ok(1);
            }
            let mode = if full {
                store::audit::Mode::Full
            } else {
                store::audit::Mode::Incremental
            };
            let progress = imports::Progress::default();
            let watch = crate::progress::Watch::counting(
                if full {
                    "正在完整校验审计链与全部记录"
                } else {
                    "正在校验审计链"
                },
                "校验",
                &progress,
                false,
            );
            let v = store::audit::verify_and_record(&db, &store::audited(), mode, &progress).await;
            watch.finish();
            let v = v?;
            if let Some(p) = &v.problem {
                out!("{}。", v.scope());
                out!("审计校验失败：{p}");
                return Ok(1);
            }
            out!(
                "{}。审计链完整，所校验的记录与日志一致。{}",
                v.scope(),
                kept.map_or(String::new(), |a| format!(
                    "锚点第 {} 条仍在链中。",
                    a.sequence
                ))
            );
            Ok(0)
        }
        Command::Audit {
            action: AuditAction::Anchor { out },
        } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            let Some(a) = store::audit::anchor(&db).await? else {
                out!("审计日志为空，无需锚定。");
                return Ok(1);
            };
            std::fs::write(&out, serde_json::to_string_pretty(&a)?)
                .with_context(|| format!("无法写入 {}", out.display()))?;
            out!("已写入锚点：第 {} 条，哈希 {}", a.sequence, a.hash);
            Ok(0)
        }
        Command::Import {
            kind,
            file,
            dry_run,
            skip_invalid,
            rejects,
            format,
            project,
        } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            let opts = ImportOptions {
                dry_run,
                skip_invalid,
                rejects,
                actor: CLI_ACTOR.into(),
                project,
                progress: imports::Progress::default(),
            };
            let watch = crate::progress::Watch::import(&opts.progress, format != "json");
            let result = imports::import(&db, kind, &file, &opts, &ImportScope::everything()).await;
            watch.finish();
            match result {
                Ok(report) => {
                    if format == "json" {
                        out!(
                            "{}",
                            serde_json::json!({
                                "total": report.total,
                                "imported": if report.written { report.imported } else { 0 },
                                "updated": if report.written { report.updated } else { 0 },
                                "invalid": report.invalid,
                                "invalid_count": report.invalid_count,
                                "rejected_rows": report.rejected_rows,
                            })
                        );
                    } else {
                        for line in imports::describe(&report) {
                            out!("{line}");
                        }
                    }
                    Ok(
                        if !report.has_invalid() || (report.written && skip_invalid) {
                            0
                        } else {
                            1
                        },
                    )
                }
                Err(ImportError::Unusable(e)) => {
                    if format == "json" {
                        out!("{}", serde_json::json!({ "error": e.to_string() }));
                    }
                    eprintln!("文件无法使用：{e}");
                    Ok(2)
                }
                Err(e @ ImportError::Cancelled) => {
                    if format == "json" {
                        out!("{}", serde_json::json!({ "error": e.to_string() }));
                    }
                    eprintln!("{e}");
                    Ok(130)
                }
                Err(ImportError::Store(e)) if e.is_busy() => {
                    let msg = "数据库正忙（另一个导入正在进行），本次未写入任何数据，请稍后再试";
                    if format == "json" {
                        out!("{}", serde_json::json!({ "error": msg }));
                    }
                    eprintln!("{msg}");
                    Ok(3)
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Export { kind, out } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            let progress = imports::Progress::default();
            let watch = crate::progress::Watch::counting(
                &format!("正在导出到 {}", out.display()),
                "导出",
                &progress,
                true,
            );
            let n = imports::export(&db, kind, &out, &progress).await;
            watch.finish();
            let n = n?;
            out!("已导出 {n} 行到 {}", out.display());
            Ok(0)
        }
        Command::Template { kind, out } => {
            imports::template(kind, &out)?;
            out!("已生成模板 {}", out.display());
            Ok(0)
        }
        Command::Report { name, args } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            crate::reports::run(&db, &name, &args).await
        }
        Command::Notify { action } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            crate::notifications::run(&db, CLI_ACTOR, action).await
        }
        Command::Backup { out } => {
            let db = Db::connect(&db_url(&cli.db, "groundwork.db")).await?;
            store::backup::backup(&db, &out).await?;
            out!("已备份到 {}", out.display());
            Ok(0)
        }
    }
}

async fn user(db: &Db, action: UserAction) -> Result<u8> {
    match action {
        UserAction::Add {
            username,
            role,
            name,
            password,
            township,
            town,
            team,
            resident_id,
        } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "未知角色：{role}（可选：admin, union_admin, union_staff, relocation_commander, relocation_staff, inspector, member）"
                );
            };
            let member_resident_id = match resident_id {
                Some(id) => Some(
                    domain::platform::ResidentId::parse(&id)?
                        .as_str()
                        .to_string(),
                ),
                None => None,
            };
            let u = users::create(
                db,
                CLI_ACTOR,
                &users::NewUser {
                    display_name: name.unwrap_or_else(|| username.clone()),
                    username,
                    role,
                    township,
                    town,
                    team_id: team,
                    member_resident_id,
                    password,
                },
            )
            .await?;
            out!("已创建用户 {}（{}）", u.username, u.role().label());
        }
        UserAction::List => {
            for u in users::list(db).await? {
                let scope = u.account.scope_label();
                out!(
                    "{:<16} {:<10} {:<20} {:<12} {}",
                    u.username,
                    u.display_name,
                    u.role().code(),
                    scope,
                    if u.disabled { "已停用" } else { "正常" }
                );
            }
        }
        UserAction::Passwd { username, password } => {
            users::set_password(db, CLI_ACTOR, &username, &password).await?;
            out!("已修改 {username} 的密码");
        }
        UserAction::Disable { username } => {
            users::set_disabled(db, CLI_ACTOR, &username, true).await?;
            out!("已停用 {username}");
        }
        UserAction::Tokens {
            username,
            revoke,
            create,
        } => {
            let Some((user, _)) = users::by_username_with_hash(db, &username).await? else {
                out!("用户不存在：{username}");
                return Ok(1);
            };
            if let Some(label) = create {
                let token = store::platform::tokens::create(db, CLI_ACTOR, user.id, &label).await?;
                eprintln!("已为 {username} 创建令牌“{label}”，请妥善保存（只显示这一次）：");
                out!("{token}");
                return Ok(0);
            }
            if let Some(id) = revoke {
                let mut tx = db.begin().await?;
                store::platform::tokens::revoke(&mut tx, CLI_ACTOR, user.id, id).await?;
                tx.commit().await?;
                out!("已吊销 {username} 的令牌 #{id}");
                return Ok(0);
            }
            let now = chrono::Utc::now();
            for t in store::platform::tokens::of_user(db, user.id).await? {
                let state = match (t.revoked_at, t.is_live(now)) {
                    (Some(_), _) => "已吊销",
                    (None, true) => "有效",
                    (None, false) => "已过期",
                };
                let show = domain::platform::time::show_local;
                out!(
                    "#{:<5} {:<16} 有效期至 {}  最近使用 {}  {}",
                    t.id,
                    t.label,
                    show(t.expires_at),
                    t.last_used_at.map_or("从未使用".to_string(), show),
                    state
                );
            }
        }
    }
    Ok(0)
}

/// Reads an import kind as clap's `ValueEnum` would (the names listed in `--help`), but
/// refuses an unknown one in Chinese, with the names there are.
#[derive(Clone)]
struct KindParser;

impl clap::builder::TypedValueParser for KindParser {
    type Value = ImportKind;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ImportKind, clap::Error> {
        ImportKind::parse(&value.to_string_lossy())
            .map_err(|e| cmd.clone().error(clap::error::ErrorKind::InvalidValue, e))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        use clap::ValueEnum;
        Some(Box::new(
            ImportKind::value_variants()
                .iter()
                .filter_map(ImportKind::to_possible_value),
        ))
    }
}
