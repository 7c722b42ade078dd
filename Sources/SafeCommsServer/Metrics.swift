import CoreMetrics
import Prometheus
import Vapor

/// Prometheus exposition of swift-metrics. Vapor reports request counts and durations through
/// swift-metrics; the registry renders them at `/metrics`.
enum Metrics {
    static let registry = PrometheusCollectorRegistry()

    private static let bootstrap: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    /// swift-metrics may be bootstrapped once per process; tests build many applications.
    static func bootstrapOnce() { _ = bootstrap }

    static func render() -> String { registry.emitToString() }
}
