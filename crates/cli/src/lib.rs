//! The `gongzhi` command as a library, so integration tests start the
//! platform exactly as the binary does ([`runtime::start_dev`],
//! [`runtime::start_serve`]).

pub mod args;
pub mod bench;
pub mod city;
pub mod commands;
pub mod esdb;
pub mod http;
pub mod runtime;
pub mod services;
