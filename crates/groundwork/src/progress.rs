//! Long work at a terminal: a live line of progress for imports (rows checked, rows
//! written, rate, time), exports (rows written) and `audit verify` (entries and records
//! checked), shown only when stderr is a terminal and the output is not JSON; and Ctrl-C
//! as a clean stop for an import — cancelled and rolled back, nothing written.

use imports::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Watches an import while it runs; dropping it (or [`Watch::finish`]) stops watching.
pub struct Watch {
    bar: Option<ProgressBar>,
    tasks: Vec<JoinHandle<()>>,
}

impl Watch {
    /// Starts watching `progress`: the bar if `show` and stderr is a terminal (with the
    /// time left once the import knows the file's rows), and Ctrl-C cancelling the import
    /// in any case.
    pub fn import(progress: &Progress, show: bool) -> Watch {
        let mut tasks = Vec::new();
        let on_interrupt = progress.clone();
        tasks.push(tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        }));
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let bar = line(IMPORT_COUNT.to_string());
            tasks.push(follow(&bar, progress, |shown, watched| {
                if let Some(total) = watched.total()
                    && shown.length() != Some(total)
                {
                    shown.set_length(total);
                    shown.set_style(style(IMPORT_BAR.to_string()));
                }
                shown.set_position(watched.rows_read());
                let written = i64::try_from(watched.rows_written()).unwrap_or(i64::MAX);
                shown.set_message(domain::platform::money::grouped(written));
            }));
            bar
        });
        Watch { bar, tasks }
    }

    /// A line saying `what` is running, for how long, and how many records it has
    /// `done` (a verb: 校验, 导出) as `progress` counts them — read for a verification,
    /// written for an export — if stderr is a terminal.
    pub fn counting(what: &str, done: &str, progress: &Progress, written: bool) -> Watch {
        let mut tasks = Vec::new();
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = line(format!(
                "{{spinner}} {{elapsed_precise}} {{msg}} 已{done} {{human_pos}} 条（每秒 {{per_sec}}）"
            ));
            bar.set_message(what.to_string());
            tasks.push(follow(&bar, progress, move |shown, watched| {
                shown.set_position(if written {
                    watched.rows_written()
                } else {
                    watched.rows_read()
                });
            }));
            bar
        });
        Watch { bar, tasks }
    }

    /// Stops watching and clears the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An import's line while the file's rows are unknown.
const IMPORT_COUNT: &str = "{spinner} {elapsed_precise} 已检查 {human_pos} 行（每秒 {per_sec}），已写入 {msg} 行　Ctrl-C 取消";
/// An import's bar once they are known.
const IMPORT_BAR: &str = "{spinner} {elapsed_precise} [{bar:30}] 已检查 {human_pos}/{human_len} 行（每秒 {per_sec}，约剩 {eta}），已写入 {msg} 行　Ctrl-C 取消";

/// An indicatif style from `template` (a spinner should the template not parse).
fn style(template: String) -> ProgressStyle {
    ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// A line on stderr drawn with `template`.
fn line(template: String) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(style(template));
    bar
}

/// Redraws `bar` from `progress` five times a second, with `update`, until aborted.
fn follow(
    bar: &ProgressBar,
    progress: &Progress,
    update: impl Fn(&ProgressBar, &Progress) + Send + 'static,
) -> JoinHandle<()> {
    let (shown, watched) = (bar.clone(), progress.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tick.tick().await;
            update(&shown, &watched);
        }
    })
}
