import Foundation
import XCTest
import TestSupport

/// Help and usage: every command's help shows an example, groups run bare show their help, and an
/// unknown subcommand is bad usage.
extension CentralCommandTests {
    // MARK: help and usage

    func testEveryCommandsHelpShowsAnExample() throws {
        let commands: [[String]] = [
            ["central", "init"], ["central", "auditor", "add"], ["central", "client", "add"],
            ["central", "audit", "create"], ["central", "audit", "show"], ["demo"], ["field", "check"],
            ["central", "check"],
        ]
        for command in commands {
            let result = try CLI.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertEqual(result.stderr, "", "\(result)")
            XCTAssertTrue(result.stdout.contains("Example"), "help of \(command.joined(separator: " ")) has an example\n\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync \(command.joined(separator: " "))"), "\(result)")
        }
    }

    func testRootAndGroupHelpExitZero() throws {
        for arguments in [["--help"], ["-h"], ["central", "--help"], ["central", "audit", "--help"], ["help", "central"]] {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertEqual(result.stderr, "", "\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync"), "\(result)")
        }
        let version = try CLI.run(["--version"])
        assertSuccess(version)
        XCTAssertEqual(version.stdout, "0.2.0\n")
    }

    /// A command group run bare shows its help, as `CleanExit.helpRequest` means, not an error.
    func testCommandGroupsWithoutASubcommandShowTheirHelp() throws {
        for arguments in [[], ["central"], ["central", "audit"]] {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertEqual(result.stderr, "", "\(result)")
            XCTAssertTrue(result.stdout.contains("USAGE: auditsync"), "\(result)")
        }
    }

    func testUnknownSubcommandIsBadUsage() throws {
        XCTAssertEqual(assertFailure(try CLI.run(["central", "bogus"]), status: 2),
                       "error: unexpected argument 'bogus' (see `auditsync central --help`)")
        XCTAssertEqual(assertFailure(try CLI.run(["bogus"]), status: 2),
                       "error: unexpected argument 'bogus' (see `auditsync --help`)")
        assertFailure(try CLI.run(["central", "audit", "bogus"]), status: 2)
        assertFailure(try CLI.run(["central", "audit", "create", "--client", "C-0001"]), status: 2)
        assertFailure(try CLI.run(["central", "init", "--name", "X", "--bogus"]), status: 2)
    }
}
