// swift-tools-version:6.0
// The libFuzzer targets that need swift-crypto, as their own small package: `fuzz/run` links the
// product sources into .build-src/ (git-ignored; SwiftPM refuses target paths outside the package
// root) and builds with `--sanitize=fuzzer --sanitize=address`. Run it through `fuzz/run`, not
// directly. The merge-record target needs no dependency and is built by `fuzz/run` with swiftc.
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
            dependencies: ["NoiseProtocol", .product(name: "Crypto", package: "swift-crypto")],
            path: ".build-src/WireProtocol"
        ),
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
    ],
    swiftLanguageModes: [.v6]
)
