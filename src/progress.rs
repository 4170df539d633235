//! A progress bar on standard error for long command-line runs; silent when standard error is
//! not a terminal, so that logs and CI output stay clean.

use std::io::{IsTerminal, Write};

/// Draws `label [#####-----]  45% 450/1000` in place, at most once per percent.
pub struct Progress {
    label: &'static str,
    enabled: bool,
    last_percent: Option<usize>,
}

impl Progress {
    pub fn new(label: &'static str) -> Self {
        Self { label, enabled: std::io::stderr().is_terminal(), last_percent: None }
    }

    pub fn update(&mut self, done: usize, total: usize) {
        if !self.enabled || total == 0 {
            return;
        }
        let percent = done.min(total) * 100 / total;
        if self.last_percent == Some(percent) {
            return;
        }
        self.last_percent = Some(percent);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}", bar(self.label, done, total));
        if done >= total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

/// The bar itself, 30 cells wide.
pub fn bar(label: &str, done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let done = done.min(total);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!(
        "{label} [{}{}] {percent:>3}% {done}/{total}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(bar("x", 0, 10), format!("x [{}]   0% 0/10", "-".repeat(30)));
        assert_eq!(bar("x", 5, 10), format!("x [{}{}]  50% 5/10", "#".repeat(15), "-".repeat(15)));
        assert_eq!(bar("x", 12, 10), format!("x [{}] 100% 10/10", "#".repeat(30)));
    }
}
