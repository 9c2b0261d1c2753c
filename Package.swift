// swift-tools-version:6.0
// AuditSync: offline-first certification audits with conflict-free merge records.
import PackageDescription

let package = Package(
    name: "AuditSync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "auditsync", targets: ["auditsync"]),
        .executable(name: "auditsync-bench", targets: ["auditsync-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // C libraries, each behind its own module map. Only the modules that need them import them.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // Pure cores: no I/O.
        .target(name: "CanonicalJSON"),
        .target(name: "AuditDomain"),
        // The canonical audit document as one type: what replicas print and reports read.
        .target(name: "AuditDocumentFormat", dependencies: ["CanonicalJSON"]),
        // Audit reports (HTML, Markdown) rendered from the canonical audit document.
        .target(name: "AuditReport", dependencies: ["CanonicalJSON", "AuditDocumentFormat", "AuditDomain", "HexEncoding"]),
        .target(name: "HexEncoding"),
        // Certificates: W3C verifiable credentials signed as JWS (Ed25519), status lists (gzip via CZlib), HTML.
        .target(
            name: "Certificates",
            dependencies: ["CanonicalJSON", "HexEncoding", "CZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "MergeCore"),
        // Signed, chained records: who wrote them, and that none was dropped, altered or reordered.
        .target(name: "RecordSeals", dependencies: ["MergeCore", "HexEncoding", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "NoiseProtocol", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "WireProtocol", dependencies: ["NoiseProtocol", "HexEncoding", .product(name: "Crypto", package: "swift-crypto")]),
        // The event loop at the edge: libuv TCP, the only module that imports CLibUV.
        .target(name: "Transport", dependencies: ["CLibUV", "WireProtocol", "NoiseProtocol", "HexEncoding"]),

        // Storage.
        .target(name: "SQLiteKit", dependencies: ["CSQLite"]),
        .target(
            name: "ReplicaStore",
            dependencies: ["MergeCore", "RecordSeals", "SQLiteKit", "HexEncoding", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // Audit work on a replica, and the nodes built on it.
        .target(
            name: "AuditReplica",
            dependencies: ["AuditDomain", "AuditDocumentFormat", "MergeCore", "ReplicaStore", "CanonicalJSON"]
        ),
        .target(
            name: "CentralNode",
            dependencies: [
                "AuditDomain", "MergeCore", "ReplicaStore", "SQLiteKit", "AuditReplica", "CanonicalJSON",
                "NoiseProtocol", "WireProtocol", "Transport", "HexEncoding", "Certificates", "RecordSeals",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // The exported audit trail and its offline check (protocol/trail.md).
        .target(
            name: "AuditTrail",
            dependencies: [
                "CentralNode", "AuditReplica", "ReplicaStore", "RecordSeals", "MergeCore", "CanonicalJSON", "Certificates",
                "HexEncoding", "AuditDomain", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "FieldNode",
            dependencies: [
                "MergeCore", "ReplicaStore", "SQLiteKit", "AuditReplica", "NoiseProtocol", "WireProtocol", "Transport",
                "HexEncoding", "RecordSeals",
            ]
        ),

        // The command line at the top.
        .target(
            name: "AuditSyncCLI",
            dependencies: [
                "AuditDomain", "AuditDocumentFormat", "AuditReplica", "AuditReport", "CentralNode", "FieldNode", "CanonicalJSON",
                "ReplicaStore", "MergeCore", "HexEncoding", "Certificates", "Transport", "WireProtocol", "NoiseProtocol", "AuditTrail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "auditsync", dependencies: ["AuditSyncCLI"]),
        .executableTarget(
            name: "auditsync-bench",
            dependencies: [
                "MergeCore", "ReplicaStore", "SQLiteKit", "CanonicalJSON", "TestSupport",
                "Transport", "WireProtocol", "NoiseProtocol", "AuditDomain", "AuditReplica", "CentralNode", "FieldNode",
            ]
        ),

        // Seeded randomness and scratch directories for tests, simulations and the benchmark.
        .target(name: "TestSupport"),

        .testTarget(name: "CanonicalJSONTests", dependencies: ["TestSupport", "CanonicalJSON"]),
        .testTarget(name: "HexEncodingTests", dependencies: ["TestSupport", "HexEncoding"]),
        .testTarget(name: "CertificatesTests", dependencies: ["TestSupport", "Certificates", "CanonicalJSON", "HexEncoding"]),
        .testTarget(
            name: "AuditDomainTests",
            // CanonicalJSON, WireProtocol and Crypto for CatalogFileTests: protocol/catalog.json.
            dependencies: ["TestSupport", "AuditDomain", "CanonicalJSON", "WireProtocol", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "AuditReportTests", dependencies: ["AuditReport", "AuditDocumentFormat", "CanonicalJSON"]),
        .testTarget(name: "MergeCoreTests", dependencies: ["TestSupport", "MergeCore"]),
        .testTarget(name: "RecordSealsTests", dependencies: ["TestSupport", "RecordSeals", "MergeCore", "HexEncoding"]),
        .testTarget(name: "AuditTrailTests", dependencies: ["TestSupport", "AuditTrail", "CentralNode", "AuditReplica", "AuditDomain",
                                                            "ReplicaStore", "MergeCore", "CanonicalJSON", "RecordSeals"]),
        .testTarget(name: "SQLiteKitTests", dependencies: ["TestSupport", "SQLiteKit"]),
        .testTarget(name: "ReplicaStoreTests", dependencies: ["TestSupport", "ReplicaStore", "MergeCore", "SQLiteKit", "RecordSeals"]),
        .testTarget(
            name: "AuditReplicaTests",
            dependencies: ["TestSupport", "AuditReplica", "AuditDocumentFormat", "AuditDomain", "MergeCore", "ReplicaStore", "CanonicalJSON"]
        ),
        .testTarget(
            name: "CentralNodeTests",
            dependencies: ["TestSupport", "CentralNode", "AuditReplica", "AuditDomain", "WireProtocol", "SQLiteKit", "Certificates",
                           "RecordSeals"]
        ),
        .testTarget(
            name: "NoiseProtocolTests",
            dependencies: ["TestSupport", "NoiseProtocol"],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "WireProtocolTests",
            dependencies: ["TestSupport", "WireProtocol", "NoiseProtocol", "HexEncoding", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "TransportTests", dependencies: ["TestSupport", "Transport", "WireProtocol", "NoiseProtocol"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "CanonicalJSON", "CentralNode", "FieldNode", "ReplicaStore", "AuditReplica", "AuditDomain",
                "MergeCore", "SQLiteKit", "Transport", "WireProtocol", "NoiseProtocol", "RecordSeals", "auditsync",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
