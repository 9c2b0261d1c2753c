extension HandshakePattern {
    /// The tokens of a base pattern, before modifiers, as listed in Noise §7.4, §7.5 and §18.
    struct Definition: Sendable {
        var initiatorPreMessage: [Token] = []
        var responderPreMessage: [Token] = []
        var messages: [[Token]]
    }

    /// XX, AuditSync's own pattern (§7.5).
    static let xx = Definition(messages: [[.e], [.e, .ee, .s, .es], [.s, .se]])

    /// Every base pattern this module knows, by name.
    static let catalog: [String: Definition] = [
        // One-way patterns (§7.4).
        "N": Definition(responderPreMessage: [.s], messages: [[.e, .es]]),
        "K": Definition(initiatorPreMessage: [.s], responderPreMessage: [.s], messages: [[.e, .es, .ss]]),
        "X": Definition(responderPreMessage: [.s], messages: [[.e, .es, .s, .ss]]),

        // Fundamental interactive patterns (§7.5).
        "NN": Definition(messages: [[.e], [.e, .ee]]),
        "NK": Definition(responderPreMessage: [.s], messages: [[.e, .es], [.e, .ee]]),
        "NX": Definition(messages: [[.e], [.e, .ee, .s, .es]]),
        "XN": Definition(messages: [[.e], [.e, .ee], [.s, .se]]),
        "XK": Definition(responderPreMessage: [.s], messages: [[.e, .es], [.e, .ee], [.s, .se]]),
        "XX": xx,
        "KN": Definition(initiatorPreMessage: [.s], messages: [[.e], [.e, .ee, .se]]),
        "KK": Definition(initiatorPreMessage: [.s], responderPreMessage: [.s], messages: [[.e, .es, .ss], [.e, .ee, .se]]),
        "KX": Definition(initiatorPreMessage: [.s], messages: [[.e], [.e, .ee, .se, .s, .es]]),
        "IN": Definition(messages: [[.e, .s], [.e, .ee, .se]]),
        "IK": Definition(responderPreMessage: [.s], messages: [[.e, .es, .s, .ss], [.e, .ee, .se]]),
        "IX": Definition(messages: [[.e, .s], [.e, .ee, .se, .s, .es]]),

        // Deferred patterns (§18.2).
        "NK1": Definition(responderPreMessage: [.s], messages: [[.e], [.e, .ee, .es]]),
        "NX1": Definition(messages: [[.e], [.e, .ee, .s], [.es]]),
        "X1N": Definition(messages: [[.e], [.e, .ee], [.s], [.se]]),
        "X1K": Definition(responderPreMessage: [.s], messages: [[.e, .es], [.e, .ee], [.s], [.se]]),
        "XK1": Definition(responderPreMessage: [.s], messages: [[.e], [.e, .ee, .es], [.s, .se]]),
        "X1K1": Definition(responderPreMessage: [.s], messages: [[.e], [.e, .ee, .es], [.s], [.se]]),
        "X1X": Definition(messages: [[.e], [.e, .ee, .s, .es], [.s], [.se]]),
        "XX1": Definition(messages: [[.e], [.e, .ee, .s], [.es, .s, .se]]),
        "X1X1": Definition(messages: [[.e], [.e, .ee, .s], [.es, .s], [.se]]),
        "K1N": Definition(initiatorPreMessage: [.s], messages: [[.e], [.e, .ee], [.se]]),
        "K1K": Definition(initiatorPreMessage: [.s], responderPreMessage: [.s], messages: [[.e, .es], [.e, .ee], [.se]]),
        "KK1": Definition(initiatorPreMessage: [.s], responderPreMessage: [.s], messages: [[.e], [.e, .ee, .se, .es]]),
        "K1K1": Definition(initiatorPreMessage: [.s], responderPreMessage: [.s], messages: [[.e], [.e, .ee, .es], [.se]]),
        "K1X": Definition(initiatorPreMessage: [.s], messages: [[.e], [.e, .ee, .s, .es], [.se]]),
        "KX1": Definition(initiatorPreMessage: [.s], messages: [[.e], [.e, .ee, .se, .s], [.es]]),
        "K1X1": Definition(initiatorPreMessage: [.s], messages: [[.e], [.e, .ee, .s], [.se, .es]]),
        "I1N": Definition(messages: [[.e, .s], [.e, .ee], [.se]]),
        "I1K": Definition(responderPreMessage: [.s], messages: [[.e, .es, .s], [.e, .ee], [.se]]),
        "IK1": Definition(responderPreMessage: [.s], messages: [[.e, .s], [.e, .ee, .se, .es]]),
        "I1K1": Definition(responderPreMessage: [.s], messages: [[.e, .s], [.e, .ee, .es], [.se]]),
        "I1X": Definition(messages: [[.e, .s], [.e, .ee, .s, .es], [.se]]),
        "IX1": Definition(messages: [[.e, .s], [.e, .ee, .se, .s], [.es]]),
        "I1X1": Definition(messages: [[.e, .s], [.e, .ee, .s], [.se, .es]]),
    ]
}
