//! Long work at a terminal: a live line of progress for imports (rows checked, rows
//! written, rate, time) and a sign of life for exports and `audit verify` (what runs, for
//! how long), shown only when stderr is a terminal and the output is not JSON; and Ctrl-C
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
    /// Starts watching `progress`: the bar if `show` and stderr is a terminal, and Ctrl-C
    /// cancelling the import in any case.
    pub fn import(progress: &Progress, show: bool) -> Watch {
        let mut tasks = Vec::new();
        let on_interrupt = progress.clone();
        tasks.push(tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        }));
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} 已检查 {human_pos} 行（每秒 {per_sec}），已写入 {msg} 行　Ctrl-C 取消",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            let (shown, watched) = (bar.clone(), progress.clone());
            tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(200));
                loop {
                    tick.tick().await;
                    shown.set_position(watched.rows_read());
                    let written = i64::try_from(watched.rows_written()).unwrap_or(i64::MAX);
                    shown.set_message(domain::platform::money::grouped(written));
                }
            }));
            bar
        });
        Watch { bar, tasks }
    }

    /// A line saying `what` is running and for how long (exports, verification), if
    /// stderr is a terminal.
    pub fn working(what: &str) -> Watch {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(what.to_string());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Watch {
            bar,
            tasks: Vec::new(),
        }
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
