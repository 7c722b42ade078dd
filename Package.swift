// swift-tools-version: 6.2
import PackageDescription

// One set of settings for every target: Swift 6 language mode, strict concurrency, and every warning
// of our own code an error (the package-scoped equivalent of `-Xswiftc -warnings-as-errors`, which
// would also apply to dependencies we do not control).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "SafeComms",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "safecomms", targets: ["safecomms"]),
        .library(name: "SafeCommsCore", targets: ["SafeCommsCore"]),
        .library(name: "SafeCommsPolicies", targets: ["SafeCommsPolicies"]),
        .library(name: "SafeCommsImport", targets: ["SafeCommsImport"]),
        .library(name: "SafeCommsStore", targets: ["SafeCommsStore"]),
        .library(name: "SafeCommsServer", targets: ["SafeCommsServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // ID tokens from the council's identity provider: signatures checked against its keys.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        // Decisions: pure Swift, no Vapor, Fluent or NIO.
        .target(
            name: "SafeCommsCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams")],
            // The analysers' name and word lists, as data (Analysis/Data/SOURCES.md).
            resources: [.copy("Analysis/Data")],
            swiftSettings: swiftSettings
        ),
        // The policy packs as data: Policies/*.yaml, bundled as resources.
        .target(
            name: "SafeCommsPolicies",
            dependencies: ["SafeCommsCore"],
            path: "Policies",
            resources: [
                .copy("coventry-mobile-2017.yaml"), .copy("whatsapp-2020.yaml"), .copy("pan-dorset-4.4.yaml"),
                .copy("worknlearn-mobile.yaml"), .copy("lincolnshire-telephone-2024.yaml"),
                // The annotated documents, for each clause's own words on the policy page.
                .copy("sources"),
            ],
            swiftSettings: swiftSettings
        ),
        // Parsers for outside logs, and what an import or a reconciliation makes of them: pure Swift
        // (ZIPFoundation reads WhatsApp's .zip exports; Crypto digests natural keys).
        .target(
            name: "SafeCommsImport",
            dependencies: [
                "SafeCommsCore", .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // One SQLite setting Swift cannot make (its function is variadic): see SQLiteReader.
        .target(name: "SQLiteSettings"),
        // Fluent models, migrations, repositories and the audit chain.
        .target(
            name: "SafeCommsStore",
            dependencies: [
                "SafeCommsCore",
                "SafeCommsImport",
                "SQLiteSettings",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP: routes, controllers, auth, pages, API.
        .target(
            name: "SafeCommsServer",
            dependencies: [
                "SafeCommsCore",
                "SafeCommsPolicies",
                "SafeCommsImport",
                "SafeCommsStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "safecomms",
            dependencies: [
                "SafeCommsCore",
                "SafeCommsPolicies",
                "SafeCommsImport",
                "SafeCommsStore",
                "SafeCommsServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SafeCommsCoreTests",
            dependencies: [
                "SafeCommsCore", "SafeCommsPolicies", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SafeCommsImportTests",
            dependencies: [
                "SafeCommsImport", "SafeCommsCore", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SafeCommsStoreTests",
            dependencies: [
                "SafeCommsStore", "SafeCommsCore", "SafeCommsImport", "SafeCommsPolicies",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SafeCommsServerTests",
            dependencies: [
                "SafeCommsServer",
                "SafeCommsStore",
                "SafeCommsImport",
                "SafeCommsCore",
                "SafeCommsPolicies",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
