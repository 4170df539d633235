//! The `normreg` binary: parse the command line and hand over to [`normreg::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    normreg::allocator::return_large_blocks_to_the_system();
    normreg::telemetry::init();
    normreg::cli::run(normreg::cli::Cli::parse())
}
