//! `gongzhi serve` settings that clap refuses before anything starts.

use clap::Parser;
use gongzhi_cli::args::{Cli, Command};

fn serve(extra: &[&str]) -> Result<Cli, clap::Error> {
    let mut argv = vec![
        "gongzhi",
        "serve",
        "grids",
        "--database-url",
        "postgres://unused",
        "--jwt-secret",
        "unused",
    ];
    argv.extend_from_slice(extra);
    Cli::try_parse_from(argv)
}

fn stream_replicas(cli: &Cli) -> Option<u8> {
    match &cli.command {
        Command::Serve(args) => Some(args.stream_replicas),
        _ => None,
    }
}

#[test]
fn stream_replicas_default_to_one_and_take_up_to_five() -> Result<(), clap::Error> {
    assert_eq!(stream_replicas(&serve(&[])?), Some(1));
    assert_eq!(
        stream_replicas(&serve(&["--stream-replicas", "3"])?),
        Some(3)
    );
    assert_eq!(
        stream_replicas(&serve(&["--stream-replicas", "5"])?),
        Some(5)
    );
    Ok(())
}

#[test]
fn stream_replicas_out_of_range_are_refused_with_the_range() {
    for bad in ["0", "6", "-1", "three"] {
        let flag = format!("--stream-replicas={bad}");
        let error = serve(&[&flag])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("--stream-replicas") && error.contains(bad),
            "{bad}: {error}"
        );
    }
    let error = serve(&["--stream-replicas", "6"])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("1..=5"), "names the range: {error}");
}
