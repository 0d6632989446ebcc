//! Compiles the EventStoreDB client protocol subset in `proto/` (our own
//! text of the wire protocol) with protox, like `gongzhi-proto` does for
//! Gongzhi's contract, and writes its descriptor set for reflection.

use std::path::PathBuf;

const FILES: [&str; 4] = [
    "shared.proto",
    "streams.proto",
    "serverfeatures.proto",
    "gossip.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let proto_root = manifest_dir.join("proto");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo:rerun-if-changed={}", proto_root.display());
    for file in FILES {
        println!("cargo:rerun-if-changed={}", proto_root.join(file).display());
    }

    let mut compiler = protox::Compiler::new([&proto_root])?;
    compiler.include_source_info(true).include_imports(true);
    for file in FILES {
        compiler.open_file(file)?;
    }
    std::fs::write(
        out_dir.join("esdb_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .include_file("esdb_packages.rs")
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}
