//! Open311 GeoReport v2 over HTTP, served beside gRPC.
