//! One module per subcommand.

mod city;
pub mod delivery;
mod dev;
pub mod dlq;
mod keys;
mod migrate;
mod projections;
mod serve;
mod tail;
mod telemetry;
mod token;

use crate::args::{
    BenchCommand, CityCommand, Cli, Command, DlqCommand, EventsCommand, KeysCommand,
    ProjectionsCommand,
};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Dev(args) => dev::run(args).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Migrate(args) => migrate::run(args).await,
        Command::Events(EventsCommand::Tail(args)) => tail::run(args).await,
        Command::Projections(ProjectionsCommand::Status(args)) => projections::status(args).await,
        Command::Projections(ProjectionsCommand::Rebuild { name, database }) => {
            projections::rebuild(&name, database).await
        }
        Command::Keys(KeysCommand::Rotate(args)) => keys::rotate(args).await,
        Command::Dlq(DlqCommand::List(args)) => dlq::list(args).await,
        Command::Dlq(DlqCommand::Replay(args)) => dlq::replay(args).await,
        Command::Dlq(DlqCommand::Discard(args)) => dlq::discard(args).await,
        Command::City(CityCommand::Run(args)) => city::run(args).await,
        Command::City(CityCommand::Totals(args)) => city::totals(args).await,
        Command::Token(args) => token::run(args).await,
        Command::Bench(BenchCommand::Store {
            database_url,
            writers,
            batches,
            appends,
        }) => {
            crate::bench::run_store_bench(&crate::bench::BenchConfig {
                database_url,
                writers,
                batches,
                appends,
            })
            .await
        }
    }
}
