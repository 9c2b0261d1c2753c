import AuditDomain

/// A person of the certification body who may audit, lead audits or review them.
public struct Auditor: Equatable, Sendable {
    public let id: String
    public let name: String
    public let roles: [AuditorRole]

    public func has(_ role: AuditorRole) -> Bool { roles.contains(role) }
}

/// An organisation the certification body audits.
public struct Client: Equatable, Sendable {
    public let id: String
    public let name: String
    public let sites: [String]
}
