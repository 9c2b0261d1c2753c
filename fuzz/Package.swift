// swift-tools-version:6.0
// The libFuzzer targets that need swift-crypto, as their own small package: `fuzz/run` links the
// product sources into .build-src/ (git-ignored; SwiftPM refuses target paths outside the package
// root) and builds with `--sanitize=fuzzer --sanitize=address`. Run it through `fuzz/run`, not
// directly. The merge-record target needs no dependency and is built by `fuzz/run` with swiftc.
// The certificate target builds Certificates with -enable-testing so that it can reach the
// module's internal strict JSON reader (JSONReader) through `@testable import`.
import PackageDescription

let package = Package(
    name: "AuditSyncFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        .target(
            name: "NoiseProtocol",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: ".build-src/NoiseProtocol"
        ),
        .target(
            name: "WireProtocol",
            dependencies: ["NoiseProtocol", "HexEncoding", .product(name: "Crypto", package: "swift-crypto")],
            path: ".build-src/WireProtocol"
        ),
        // As the main Package.swift declares it: zlib behind its module map (fuzz/run links the folder).
        .systemLibrary(
            name: "CZlib",
            path: ".build-src/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CanonicalJSON", path: ".build-src/CanonicalJSON"),
        .target(name: "HexEncoding", path: ".build-src/HexEncoding"),
        .target(
            name: "Certificates",
            dependencies: ["CanonicalJSON", "HexEncoding", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            path: ".build-src/Certificates",
            swiftSettings: [.unsafeFlags(["-enable-testing"])]
        ),
        .target(name: "MergeCore", path: ".build-src/MergeCore"),
        .target(
            name: "RecordSeals",
            dependencies: ["MergeCore", "HexEncoding", .product(name: "Crypto", package: "swift-crypto")],
            path: ".build-src/RecordSeals"
        ),
        .executableTarget(name: "SealFuzz", dependencies: ["RecordSeals", "MergeCore"], path: "targets/Seal"),
        .target(name: "FuzzSupport", dependencies: ["WireProtocol"], path: "targets/Support"),
        .executableTarget(name: "FrameDecoderFuzz", dependencies: ["WireProtocol", "FuzzSupport"], path: "targets/FrameDecoder"),
        .executableTarget(
            name: "HandshakeResponderFuzz",
            dependencies: ["WireProtocol", "NoiseProtocol", "FuzzSupport"],
            path: "targets/HandshakeResponder"
        ),
        .executableTarget(
            name: "EnrollmentTokenFuzz",
            dependencies: ["WireProtocol", .product(name: "Crypto", package: "swift-crypto")],
            path: "targets/EnrollmentToken"
        ),
        .executableTarget(
            name: "CertificateFuzz",
            dependencies: ["Certificates", "CanonicalJSON", "HexEncoding"],
            path: "targets/Certificate"
        ),
    ],
    swiftLanguageModes: [.v6]
)
