import ArgumentParser
import FieldNode
import Transport
import Foundation

/// Runs one command line and returns the exit status: 0 on success, 2 for bad usage, 3 when the
/// central refused (something must change first), 4 when it could not be reached or is not
/// serving now (try again later), 5 when a sync finished with work held back, 1 for every other
/// failure. Every failure prints one line starting `error:` on standard error.
public enum CommandLineMain {
    public static func run(_ arguments: [String]) -> Int32 {
        var command: ParsableCommand
        do {
            command = try AuditSyncCommand.parseAsRoot(arguments)
        } catch {
            return report(error, arguments: arguments)
        }
        do {
            try command.run()
            return 0
        } catch {
            return report(error, arguments: arguments)
        }
    }

    /// Help requests print their text and succeed; usage errors exit 2 with a hint; everything
    /// else — the command's own failures — exits 1 with the error's own words.
    private static func report(_ error: Error, arguments: [String]) -> Int32 {
        if let exit = error as? ExitCode { return exit.rawValue }
        let code = AuditSyncCommand.exitCode(for: error)
        if code == .success {
            // --help, --version, or a command group run without its subcommand.
            Output.standard(AuditSyncCommand.fullMessage(for: error))
            return 0
        }
        if code == .validationFailure {
            let message = AuditSyncCommand.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "invalid command line"
            Output.error("error: \(lowercasedFirst(message)) (see `\(helpHint(arguments)) --help`)")
            return 2
        }
        Output.error("error: \(String(describing: error).replacingOccurrences(of: "\n", with: " "))")
        return status(of: error)
    }

    /// The documented exit statuses of a failed command (docs/field-guide.md).
    static func status(of error: Error) -> Int32 {
        if error is HeldBack { return 5 }
        // The network, not a refusal: try again later.
        if let closed = error as? ChannelClosed, closed.refusedPeer != nil { return 3 }
        if error is ChannelClosed || error is EnrollmentAnswerLost { return 4 }
        if let transport = error as? TransportError {
            switch transport {
            case .connect, .unresolvable, .closed: return 4
            case .bind, .loopStopped: return 1
            }
        }
        guard let field = error as? FieldError else { return 1 }
        switch field.kind {
        case .refused: return 3
        case .unavailable: return 4
        case .failed: return 1
        }
    }

    /// `auditsync central audit create`: the known command words the user typed, for the hint.
    private static func helpHint(_ arguments: [String]) -> String {
        var path = ["auditsync"]
        var command: ParsableCommand.Type = AuditSyncCommand.self
        for word in arguments {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            path.append(word)
            command = next
        }
        return path.joined(separator: " ")
    }

    private static func lowercasedFirst(_ text: String) -> String {
        let trimmed = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
        return trimmed.prefix(1).lowercased() + trimmed.dropFirst()
    }
}
