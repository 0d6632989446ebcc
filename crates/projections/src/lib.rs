//! Projection runtime: read models with a checkpoint in the same transaction, rebuild, read-your-writes.
