import Foundation
import MergeCore
import NoiseProtocol
import ReplicaStore
import Transport
import WireProtocol

/// What one `field sync` did.
public struct SyncSummary: Equatable, Sendable {
    /// This node's records the central took.
    public var sent = 0
    /// Other nodes' records this laptop gave back to a central restored from a backup.
    public var relayed = 0
    /// Records new to this node.
    public var received = 0
    /// Of those, how many lost to a concurrent write and are listed as conflicts.
    public var conflicts = 0
    /// Evidence files transferred.
    public var blobs = 0
    /// This node's records the central refused, with why; they stay in this node's log.
    public var refused: [String] = []
    /// Evidence the records name that the central does not hold yet (its author has not synced).
    public var missingBlobs: [String] = []
    /// This node's records the central will take later (stamped too far ahead of its clock):
    /// sent again at every sync until they are taken.
    public var postponed: [String] = []
    /// Evidence found damaged here (set aside in `blobs/quarantine/`, never sent) or arriving
    /// damaged, and what became of each; also copies set aside earlier that still lack a good one.
    public var quarantined: [DamagedEvidence] = []
    /// The central was restored from a backup since this laptop's last sync: what it said.
    public var reconciled: String?
    /// Audits deleted from this laptop at this sync, because the central no longer gives them to it.
    public var removed: [RemovedAudit] = []

    /// Work of this laptop that did not go up: the sync ends "held back" (exit 5). Refused or
    /// postponed records of an audit deleted here are gone with it: nothing is held back for them.
    public var isHeldBack: Bool {
        !heldBack(postponed).isEmpty || !heldBack(refused).isEmpty || quarantined.contains { $0.state == .lost }
    }

    /// Of `records` (`KEY FIELD: reason` lines), those of audits this laptop still holds.
    public func heldBack(_ records: [String]) -> [String] {
        records.filter { line in !removed.contains { line.hasPrefix($0.audit + "/") || line.hasPrefix($0.audit + " ") } }
    }
}

extension FieldNode {
    /// Sync with the central: resume (where this laptop stands in the central's log now), push
    /// this node's records the central does not hold, give back what a restored central lost,
    /// offer evidence, then pull what the node has not seen and fetch the evidence it names.
    /// Every step is resumable: positions advance only when what they cover is committed (the
    /// central's note of this node's pushes with the records it took, the pull cursor with the
    /// records it covers), so a sync cut anywhere is finished by the next one.
    public func sync(on loop: EventLoop, progress: (String) -> Void = { _ in }) throws -> SyncSummary {
        guard let enrollment = try enrollment else { throw FieldError.notEnrolled(directory.path) }
        try requireNotRevoked()
        let key = try nodeKey()
        try repairClockIfAhead()
        let channel: BlockingChannel
        do {
            channel = try BlockingChannel.connect(on: loop, SecureClient.Configuration(
                host: enrollment.centralHost, port: enrollment.centralPort, staticKey: key,
                hello: Hello(versions: ProtocolVersion.supported, node: node.rawValue, role: .field,
                             name: ProcessInfo.processInfo.hostName),
                pinnedServerKey: enrollment.centralKey))
        } catch {
            throw try revokedIfSo(Self.sessionFailure(error, step: "connect", central: "\(enrollment.centralHost):\(enrollment.centralPort)"),
                                  central: enrollment.centralName)
        }
        defer { channel.close() }
        progress("connected to \(enrollment.centralName) at \(enrollment.centralHost):\(enrollment.centralPort)")
        var summary = SyncSummary()
        var step = "resume"
        do {
            let resumed = try resume(on: channel, into: &summary)
            if let note = summary.reconciled { progress(note) }
            step = "push"
            try push(on: channel, from: resumed.pushedThrough, into: &summary, progress: progress)
            step = "relay"
            try relay(on: channel, into: &summary, progress: progress)
            step = "offer"
            try offerBlobs(on: channel, into: &summary, progress: progress)
            step = "pull"
            try pull(on: channel, into: &summary, progress: progress)
            step = "fetch"
            try fetchBlobs(on: channel, into: &summary, progress: progress)
        } catch {
            throw try revokedIfSo(Self.sessionFailure(error, step: step, central: enrollment.centralName), central: enrollment.centralName)
        }
        return summary
    }

    /// A `revokedNode` answer from the central deletes what this laptop holds of it (see
    /// `forgetEverything`); any other failure passes unchanged and deletes nothing.
    private func revokedIfSo(_ failure: Error, central: String) throws -> Error {
        guard case FieldError.centralRefused(let refusal, _) = failure, refusal.code == .revokedNode else { return failure }
        return FieldError.revoked(try forgetEverything(revokedBy: refusal, central: central))
    }

    /// Errors of the channel in the auditor's words: a refusal the central sent, or a lost
    /// connection. Errors of this laptop's own (its disk, its records) pass unchanged.
    static func sessionFailure(_ error: Error, step: String, central: String) -> Error {
        switch error {
        case let closed as ChannelClosed:
            if closed.refusedPeer?.code == .keyMismatch { return FieldError.wrongCentral(central) }
            if let refusal = closed.peerError { return FieldError.centralRefused(refusal, step: step) }
            return FieldError.unreachable("the connection to \(central) was lost during the \(step) step (\(closed.reason))")
        case let transport as TransportError:
            return FieldError.unreachable("\(transport)")
        default:
            return error
        }
    }

    /// The laptop's static key. An enrolled laptop never makes a new one in place of a lost one:
    /// the central knows only the enrolled key, and a silent replacement would strand the work.
    func nodeKey() throws -> StaticKeyPair {
        let file = directory.appendingPathComponent(StaticKeyFile.relativePath)
        do {
            return try StaticKeyFile.load(in: directory)
        } catch {
            throw FieldError.missingKey(path: file.path, node: node.hex)
        }
    }

    func expect(_ type: MessageType, from channel: BlockingChannel, step: String = "evidence") throws -> WireMessage {
        let message = try channel.receive()
        if message.type == .error { throw FieldError.centralRefused(try ChannelError(payload: message.payload), step: step) }
        guard message.type == type else { throw FieldError.unexpectedAnswer("a \(message.type) message instead of \(type)") }
        return message
    }

    static let pushedKey = "sync.pushed_through"
    static let pulledKey = "sync.pulled_through"
    static let pulledLogKey = "sync.pulled_log"
    static let heldKey = "sync.held_audits"
    static let catchingUpKey = "sync.catching_up"
    static let relayFromKey = "sync.relay_from"
    static let relayToKey = "sync.relay_to"
    static let keysKey = "trust.keys"
    static let statusListsKey = "trust.status_lists"
}
