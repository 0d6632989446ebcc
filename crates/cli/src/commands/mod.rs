//! One module per subcommand.

mod city;
pub mod delivery;
mod dev;
pub mod dlq;
mod keys;
mod migrate;
pub(crate) mod nats;
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
        Command::Bench(command) => run_bench(command).await,
    }
}

async fn run_bench(command: BenchCommand) -> anyhow::Result<()> {
    use crate::bench;
    match command {
        BenchCommand::All(args) => bench::run_all(&args.into()).await,
        BenchCommand::Store(args) => bench::run_store_bench(&args.into()).await.map(drop),
        BenchCommand::Relay(args) => bench::relay::run(&args.into()).await.map(drop),
        BenchCommand::Command(args) => bench::command::run(&args.into()).await.map(drop),
        BenchCommand::Rebuild(args) => bench::rebuild::run(&args.into()).await.map(drop),
        BenchCommand::Scale(args) => bench::scale::run(&args.into()).await.map(drop),
    }
}
