//! What clients call before anything else, without credentials:
//! `ServerFeatures.GetSupportedMethods` (exactly the RPCs served here) and
//! `Gossip.Read` (one member: this node, alive, leader).

use crate::mapping::{IdForm, ticks_since_epoch, wire_uuid};
use crate::wire::gossip::{ClusterInfo, EndPoint, MemberInfo, gossip_server, member_info};
use crate::wire::server_features::{SupportedMethod, SupportedMethods, server_features_server};
use crate::{PROTOCOL_VERSION, wire};
use std::net::SocketAddr;
use tonic::{Request, Response, Status};

const STREAMS: &str = "event_store.client.streams.streams";
const SERVER_FEATURES: &str = "event_store.client.server_features.serverfeatures";
const GOSSIP: &str = "event_store.client.gossip.gossip";

/// `(service, method)` in lower case, as clients compare them.
pub(crate) const SERVED: [(&str, &str); 6] = [
    (STREAMS, "read"),
    (STREAMS, "append"),
    (STREAMS, "delete"),
    (STREAMS, "tombstone"),
    (SERVER_FEATURES, "getsupportedmethods"),
    (GOSSIP, "read"),
];

pub(crate) struct Features;

#[tonic::async_trait]
impl server_features_server::ServerFeatures for Features {
    async fn get_supported_methods(
        &self,
        _request: Request<wire::Empty>,
    ) -> Result<Response<SupportedMethods>, Status> {
        let methods = SERVED
            .iter()
            .map(|(service, method)| SupportedMethod {
                method_name: (*method).to_owned(),
                service_name: (*service).to_owned(),
                features: Vec::new(),
            })
            .collect();
        Ok(Response::new(SupportedMethods {
            methods,
            event_store_server_version: PROTOCOL_VERSION.to_owned(),
        }))
    }
}

pub(crate) struct Gossip {
    advertised: SocketAddr,
    /// Stable for the life of the process, as a node's id is.
    instance_id: uuid::Uuid,
}

impl Gossip {
    pub(crate) fn new(advertised: SocketAddr) -> Self {
        Self {
            advertised,
            instance_id: uuid::Uuid::new_v4(),
        }
    }
}

#[tonic::async_trait]
impl gossip_server::Gossip for Gossip {
    async fn read(&self, _request: Request<wire::Empty>) -> Result<Response<ClusterInfo>, Status> {
        let member = MemberInfo {
            instance_id: Some(wire_uuid(self.instance_id, IdForm::Structured)),
            time_stamp: ticks_since_epoch(chrono::Utc::now()),
            state: member_info::VNodeState::Leader as i32,
            is_alive: true,
            http_end_point: Some(EndPoint {
                address: self.advertised.ip().to_string(),
                port: u32::from(self.advertised.port()),
            }),
        };
        Ok(Response::new(ClusterInfo {
            members: vec![member],
        }))
    }
}
