//! `gongzhi`: run the platform, operate it, measure it. Thin: every command
//! lives in its own module over the library crates.

use clap::Parser;
use gongzhi_cli::{args, commands};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("gongzhi: failed to start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gongzhi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
