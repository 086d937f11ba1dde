//! `groundwork`: one program for the city union federation and the town's expropriation
//! headquarters. This binary is the command line; everything it does is in the library
//! crates (`domain`, `store`, `sheets`, `web`).

mod cli;
mod demo;
mod notifications;
mod output;
mod progress;
mod reports;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    // A server reports statements slower than a second (sqlx's warnings); a one-off command
    // such as `audit verify` or `export` reads whole tables by design, so there they are
    // noise.
    let default_filter = match args.command {
        cli::Command::Serve { .. } | cli::Command::Demo { .. } => "info,sqlx=warn",
        _ => "info,sqlx=error",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GROUNDWORK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = townships() {
        eprintln!("错误：{e:#}");
        return std::process::ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return std::process::ExitCode::from(2);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The townships served: the list the file `GROUNDWORK_TOWNSHIPS` names (one `代码,名称`
/// a line, in report order), or Jiande's 16 when it is not set. Read once, before any
/// command, so every page, report and import of the process sees the same list.
fn townships() -> anyhow::Result<()> {
    use anyhow::Context;
    let Some(path) = std::env::var_os("GROUNDWORK_TOWNSHIPS") else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取乡镇（街道）清单 {}", path.to_string_lossy()))?;
    domain::union::township::Township::configure_from(&text)?;
    Ok(())
}
