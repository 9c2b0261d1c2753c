import AuditSyncCLI
import Foundation

exit(CommandLineMain.run(Array(CommandLine.arguments.dropFirst())))
