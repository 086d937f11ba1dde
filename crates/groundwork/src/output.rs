//! Printing results to standard output.
//!
//! `groundwork report … | head` closes the pipe early; `println!` would then panic with a
//! stack trace. [`out!`] instead ends the program quietly, as other command-line tools do.

use std::io::Write;

/// Prints one line like `println!`; when the reader has gone away, exits with status 0.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
pub(crate) use out;

/// Writes `args` and a newline to standard output (see [`out!`]).
pub(crate) fn line(args: std::fmt::Arguments<'_>) {
    write(format_args!("{args}\n"));
}

/// Writes `args` to standard output as it is, with the rule of [`out!`].
pub(crate) fn write(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("无法输出结果：{e}");
        std::process::exit(2);
    }
}
