//! The API's request counters and latency histograms for `/metrics` (rendered by
//! `api/prometheus.rs`, which reads everything else from the node's state at scrape time).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route class (`login`, `read`, `write`, `stream`, `node`, `enroll`, `health`).
    pub class: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClassLabel {
    pub class: &'static str,
}

/// Request latency buckets, seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The API's own counters, updated by the request middleware.
#[derive(Debug, Clone)]
pub struct ApiCounters {
    requests: Family<RequestLabels, Counter>,
    latency: Family<ClassLabel, Histogram, fn() -> Histogram>,
}

impl Default for ApiCounters {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(|| {
                Histogram::new(LATENCY_BUCKETS.iter().copied())
            }),
        }
    }
}

impl ApiCounters {
    /// Adds both families to `registry` (they share their values with this handle).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "api_requests",
            "API requests answered, by route class and status",
            self.requests.clone(),
        );
        registry.register_with_unit(
            "api_request_duration",
            "Time to answer an API request, by route class",
            Unit::Seconds,
            self.latency.clone(),
        );
    }

    pub fn observe(&self, class: &'static str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels { class, status })
            .inc();
        self.latency
            .get_or_create(&ClassLabel { class })
            .observe(seconds);
    }
}
