/// A Noise handshake pattern, parsed from a full protocol name such as
/// `Noise_XX_25519_ChaChaPoly_SHA256` or `Noise_XXpsk3_25519_ChaChaPoly_SHA256` (Noise §7–§9).
///
/// Known patterns are the one-way `N`, `K`, `X`, the twelve fundamental interactive patterns, and
/// the twenty-three deferred patterns such as `X1K1`, each optionally followed by `psk0`…`pskN`
/// modifiers joined with `+`. The only supported functions are `25519`, `ChaChaPoly` and `SHA256`.
public struct HandshakePattern: Sendable, Equatable {
    /// A token of a pre-message or message pattern.
    public enum Token: String, Sendable, Equatable {
        /// The sender's ephemeral public key, in clear.
        case e
        /// The sender's static public key, encrypted once a key is set.
        case s
        /// DH between the two ephemeral keys.
        case ee
        /// DH between the initiator's ephemeral key and the responder's static key.
        case es
        /// DH between the initiator's static key and the responder's ephemeral key.
        case se
        /// DH between the two static keys.
        case ss
        /// The next pre-shared key, mixed into the chaining key and the handshake hash.
        case psk
    }

    /// The full protocol name, which seeds the handshake hash.
    public let protocolName: String
    /// The pattern with its modifiers, e.g. `XXpsk3`.
    public let name: String
    /// Public keys the responder already knows of the initiator (`-> s` before `...`).
    public let initiatorPreMessage: [Token]
    /// Public keys the initiator already knows of the responder (`<- s` before `...`).
    public let responderPreMessage: [Token]
    /// The handshake messages in order; the initiator sends the even-numbered ones (0, 2, …).
    public let messages: [[Token]]

    /// Whether only the initiator ever sends (patterns `N`, `K`, `X` and their psk variants).
    public var isOneWay: Bool { messages.count == 1 }

    /// How many pre-shared keys the handshake mixes in.
    public var pskCount: Int { messages.joined().filter { $0 == .psk }.count }

    /// Whether the handshake uses pre-shared keys (which also makes `e` tokens call MixKey).
    public var usesPSK: Bool { pskCount > 0 }

    /// Parses a full protocol name.
    ///
    /// - Throws: ``NoiseError/malformedProtocolName(_:)``, ``NoiseError/unknownHandshakePattern(_:)``,
    ///   ``NoiseError/unsupportedModifier(_:)``, or ``NoiseError/unsupportedDHFunction(_:)``,
    ///   ``NoiseError/unsupportedCipherFunction(_:)``, ``NoiseError/unsupportedHashFunction(_:)``.
    public init(protocolName: String) throws {
        let parts = protocolName.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "Noise", !parts[1].isEmpty else {
            throw NoiseError.malformedProtocolName(protocolName)
        }
        guard parts[2] == "25519" else { throw NoiseError.unsupportedDHFunction(parts[2]) }
        guard parts[3] == "ChaChaPoly" else { throw NoiseError.unsupportedCipherFunction(parts[3]) }
        guard parts[4] == "SHA256" else { throw NoiseError.unsupportedHashFunction(parts[4]) }

        let name = parts[1]
        // The base pattern is the leading upper-case letters and digits; modifiers start lower-case.
        let baseName = String(name.prefix { $0.isUppercase || $0.isNumber })
        guard let definition = Self.catalog[baseName] else {
            throw NoiseError.unknownHandshakePattern(baseName.isEmpty ? name : baseName)
        }
        var messages = definition.messages
        let modifiers = name.dropFirst(baseName.count)
        if !modifiers.isEmpty {
            for modifier in modifiers.split(separator: "+", omittingEmptySubsequences: false) {
                try Self.apply(modifier: String(modifier), to: &messages)
            }
        }
        self.init(
            protocolName: protocolName,
            name: name,
            initiatorPreMessage: definition.initiatorPreMessage,
            responderPreMessage: definition.responderPreMessage,
            messages: messages
        )
    }

    init(
        protocolName: String,
        name: String,
        initiatorPreMessage: [Token],
        responderPreMessage: [Token],
        messages: [[Token]]
    ) {
        self.protocolName = protocolName
        self.name = name
        self.initiatorPreMessage = initiatorPreMessage
        self.responderPreMessage = responderPreMessage
        self.messages = messages
    }

    /// `psk0` puts a `psk` token at the start of the first message; `pskN` at the end of message N.
    private static func apply(modifier: String, to messages: inout [[Token]]) throws {
        guard modifier.hasPrefix("psk"),
              let position = Int(modifier.dropFirst(3)),
              String(position) == modifier.dropFirst(3),
              (0...messages.count).contains(position)
        else {
            throw NoiseError.unsupportedModifier(modifier)
        }
        if position == 0 {
            messages[0].insert(.psk, at: 0)
        } else {
            messages[position - 1].append(.psk)
        }
    }
}
