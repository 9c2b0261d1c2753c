extension HandshakeState {
    /// Refuses to start a handshake that would need a key nobody supplied, so that the failure
    /// names the missing key instead of surfacing halfway through the exchange.
    func checkRequiredKeys() throws {
        let myPreMessage = isInitiator ? pattern.initiatorPreMessage : pattern.responderPreMessage
        let peerPreMessage = isInitiator ? pattern.responderPreMessage : pattern.initiatorPreMessage
        if myPreMessage.contains(.e), e == nil { throw NoiseError.missingKey("local ephemeral private key") }
        if peerPreMessage.contains(.s), rs == nil { throw NoiseError.missingKey("remote static public key") }
        if peerPreMessage.contains(.e), re == nil { throw NoiseError.missingKey("remote ephemeral public key") }

        let myMessages = pattern.messages.indices
            .filter { ($0 % 2 == 0) == isInitiator }
            .flatMap { pattern.messages[$0] }
        // The DH tokens that take this side's static key: se for the initiator, es for the responder.
        let myStaticDH: HandshakePattern.Token = isInitiator ? .se : .es
        let allTokens = pattern.messages.joined()
        let usesMyStatic = myPreMessage.contains(.s) || myMessages.contains(.s)
            || allTokens.contains(myStaticDH) || allTokens.contains(.ss)
        if usesMyStatic, s == nil { throw NoiseError.missingKey("local static private key") }
    }

    /// Mixes the public keys of a pre-message into the handshake hash, as both sides must.
    mutating func mixPreMessage(_ tokens: [HandshakePattern.Token], sentByInitiator: Bool) throws {
        let mine = sentByInitiator == isInitiator
        for token in tokens {
            switch token {
            case .s:
                guard let key = mine ? s?.publicKey : rs else { throw NoiseError.missingKey("static key for the pre-message") }
                symmetric.mixHash(key)
            case .e:
                guard let key = mine ? e?.publicKey : re else { throw NoiseError.missingKey("ephemeral key for the pre-message") }
                symmetric.mixHash(key)
                if pattern.usesPSK { try symmetric.mixKey(key) }
            case .ee, .es, .se, .ss, .psk:
                throw NoiseError.unknownHandshakePattern(pattern.name)
            }
        }
    }

    mutating func write(_ token: HandshakePattern.Token, into message: inout [UInt8]) throws {
        switch token {
        case .e:
            let ephemeral = e ?? Curve25519KeyPair()
            e = ephemeral
            message += ephemeral.publicKey
            symmetric.mixHash(ephemeral.publicKey)
            if pattern.usesPSK { try symmetric.mixKey(ephemeral.publicKey) }
        case .s:
            guard let s else { throw NoiseError.missingKey("local static private key") }
            message += try symmetric.encryptAndHash(s.publicKey)
        case .ee, .es, .se, .ss, .psk:
            try mixSecret(token)
        }
    }

    mutating func read(_ token: HandshakePattern.Token, from reader: inout MessageReader) throws {
        switch token {
        case .e:
            let key = try reader.read(NoiseConstants.dhLength)
            re = key
            symmetric.mixHash(key)
            if pattern.usesPSK { try symmetric.mixKey(key) }
        case .s:
            let length = NoiseConstants.dhLength + (symmetric.hasKey ? NoiseConstants.tagLength : 0)
            rs = try symmetric.decryptAndHash(reader.read(length))
        case .ee, .es, .se, .ss, .psk:
            try mixSecret(token)
        }
    }

    /// The DH tokens and `psk`, which are the same whether this side writes or reads.
    private mutating func mixSecret(_ token: HandshakePattern.Token) throws {
        switch token {
        case .ee:
            try symmetric.mixKey(dh(e, re))
        case .es:
            try symmetric.mixKey(isInitiator ? dh(e, rs) : dh(s, re))
        case .se:
            try symmetric.mixKey(isInitiator ? dh(s, re) : dh(e, rs))
        case .ss:
            try symmetric.mixKey(dh(s, rs))
        case .psk:
            guard pskIndex < psks.count else { throw NoiseError.pskCountMismatch(expected: pattern.pskCount, actual: psks.count) }
            try symmetric.mixKeyAndHash(psks[pskIndex])
            pskIndex += 1
        case .e, .s:
            preconditionFailure("\(token) is not a DH or psk token")
        }
    }

    private func dh(_ local: Curve25519KeyPair?, _ remote: [UInt8]?) throws -> [UInt8] {
        guard let local else { throw NoiseError.missingKey("local key for a DH") }
        guard let remote else { throw NoiseError.missingKey("remote public key for a DH") }
        return try local.sharedSecret(with: remote)
    }

    /// The fewest bytes a genuine message with `tokens` can have: keys, tags, and the tag of an
    /// empty payload once a key is set.
    func minimumLength(of tokens: [HandshakePattern.Token]) -> Int {
        var hasKey = symmetric.hasKey
        var length = 0
        for token in tokens {
            switch token {
            case .e:
                length += NoiseConstants.dhLength
                if pattern.usesPSK { hasKey = true }
            case .s:
                length += NoiseConstants.dhLength + (hasKey ? NoiseConstants.tagLength : 0)
            case .ee, .es, .se, .ss, .psk:
                hasKey = true
            }
        }
        return length + (hasKey ? NoiseConstants.tagLength : 0)
    }
}
