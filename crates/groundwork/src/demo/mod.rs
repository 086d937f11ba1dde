//! The demo: a fresh database filled with the 2019 scenario of Jiande, one login per role.

mod activities;
mod aid;
mod fake;
mod relocation;
mod rights;
mod union;

use anyhow::{Context, Result};
use domain::platform::Role;
use store::Db;
use store::platform::users::{self, NewUser};

/// Who the demo loader is in the audit log.
pub const DEMO_ACTOR: &str = "demo";

/// Password of every demo account (printed when the demo starts).
pub const DEMO_PASSWORD: &str = "demo-2019";

/// Opens `url` and empties it: a SQLite file is deleted and recreated, a PostgreSQL
/// database has its public schema dropped and recreated.
pub async fn fresh(url: &str) -> Result<Db> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        if !path.contains(":memory:") {
            for suffix in ["", "-wal", "-shm"] {
                let p = format!("{path}{suffix}");
                if std::path::Path::new(&p).exists() {
                    std::fs::remove_file(&p)
                        .with_context(|| format!("无法删除旧的演示数据库 {p}"))?;
                }
            }
        }
    } else {
        let db = Db::connect_without_migrating(url).await?;
        store::migrate::reset(&db).await?;
        db.close().await;
    }
    Ok(Db::connect(url).await?)
}

/// Fills the demo scenario; returns the logins (username, password, role).
pub async fn fill(db: &Db) -> Result<Vec<(String, String, Role)>> {
    let accounts: Vec<NewUser> = vec![
        account("admin", "系统管理员", Role::Admin),
        account("union", "市总工会 王主任", Role::UnionAdmin),
        NewUser {
            township: Some("新安江街道".into()),
            ..account("township", "新安江街道工会 李干事", Role::UnionStaff)
        },
        NewUser {
            town: Some("杨村桥镇".into()),
            ..account("commander", "杨村桥镇 总指挥", Role::RelocationCommander)
        },
        NewUser {
            team_id: Some(1),
            ..account("staff", "征收组 陈组员", Role::RelocationStaff)
        },
        account("inspector", "镇纪委 监督员", Role::Inspector),
        NewUser {
            member_resident_id: Some("330182199001010014".into()),
            ..account("member", "会员 张三", Role::Member)
        },
    ];
    let mut logins = Vec::new();
    for a in accounts {
        users::create(db, DEMO_ACTOR, &a).await?;
        logins.push((a.username.clone(), DEMO_PASSWORD.to_string(), a.role));
    }
    union::fill(db).await?;
    activities::fill(db).await?;
    aid::fill(db).await?;
    rights::fill(db).await?;
    relocation::fill(db).await?;
    Ok(logins)
}

fn account(username: &str, name: &str, role: Role) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: name.into(),
        role,
        township: None,
        town: None,
        team_id: None,
        member_resident_id: None,
        password: DEMO_PASSWORD.into(),
    }
}
