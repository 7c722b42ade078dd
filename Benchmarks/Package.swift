// swift-tools-version: 6.2
import PackageDescription

// Benchmarks live in their own package so `swift build` and `swift test` of SafeComms never build the
// benchmark harness. Run them with `cd Benchmarks && swift package benchmark`.
let package = Package(
    name: "SafeCommsBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "SafeComms", path: ".."),
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git",
            from: "1.38.1",
            traits: ["MallocInterposer"]
        ),
    ],
    targets: [
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "SafeCommsStore", package: "SafeComms"),
                .product(name: "SafeCommsCore", package: "SafeComms"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "ImportBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "SafeCommsImport", package: "SafeComms"),
                .product(name: "SafeCommsStore", package: "SafeComms"),
                .product(name: "SafeCommsCore", package: "SafeComms"),
                .product(name: "SafeCommsPolicies", package: "SafeComms"),
            ],
            path: "Benchmarks/ImportBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "CheckBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "SafeCommsCore", package: "SafeComms"),
                .product(name: "SafeCommsPolicies", package: "SafeComms"),
            ],
            path: "Benchmarks/CheckBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
